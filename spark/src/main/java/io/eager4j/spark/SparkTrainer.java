package io.eager4j.spark;

import io.eager4j.internal.RowShard;
import io.eager4j.parallel.AllReduce;
import io.eager4j.parallel.TcpRing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.Function1;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Runs N replicas of a training function as one Spark barrier stage: the N tasks start together
 * (or not at all), exchange their addresses once, join a {@link TcpRing TCP ring}, and each
 * calls the function with its {@link AllReduce}. The function is the one-process training code with
 * {@link io.eager4j.parallel.DataParallel} around it; a task that fails fails the stage.
 * <pre>{@code
 * List<float[]> w = new SparkTrainer(sc, 2).run(comm -> {
 *     DataParallel dp = DataParallel.gradients(comm, DataParallel.Reduction.MEAN);
 *     ...                                  // build the model, dp.wrap(new Adam(1e-3)), dp.shard(batch) ...
 *     return w0.toFloatArray();
 * });
 * }</pre>
 */
public final class SparkTrainer {
    /** What each replica runs; its result travels back to the driver, so it must be serializable. */
    @FunctionalInterface
    public interface Replica<R extends Serializable> extends Serializable {
        R train(AllReduce comm) throws Exception;
    }

    private final SparkContext sc;
    private final int workers;
    private int timeoutMs = 120_000;

    public SparkTrainer(SparkContext sc, int workers) {
        if (workers < 1) throw new IllegalArgumentException("SparkTrainer: " + workers + " workers; use 1 or more");
        this.sc = sc;
        this.workers = workers;
    }

    /** How long an all-reduce waits for a peer before it fails the step (default 2 minutes). */
    public SparkTrainer timeout(Duration timeout) {
        this.timeoutMs = Math.toIntExact(timeout.toMillis());
        return this;
    }

    /** Runs the replicas and returns their results in rank order. */
    public <R extends Serializable> List<R> run(Replica<R> replica) {
        List<Integer> ranks = IntStream.range(0, workers).boxed().toList();
        RDD<Integer> tasks = JavaSparkContext.fromSparkContext(sc).parallelize(ranks, workers).rdd();
        RDD<byte[]> results = tasks.barrier().mapPartitions(task(replica, timeoutMs), false, ClassTag$.MODULE$.apply(byte[].class));
        byte[][] bytes = (byte[][]) results.collect();
        List<R> out = new ArrayList<>();
        for (byte[] b : bytes) out.add(deserialize(b));
        return out;
    }

    private static <R extends Serializable> Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<byte[]>> task(
            Replica<R> replica, int timeoutMs) {
        return (Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<byte[]>> & Serializable) ranks ->
                CollectionConverters.asScala(List.of(inTask(replica, timeoutMs)).iterator());
    }

    /** One barrier task: this worker's replica, its result serialized. */
    private static <R extends Serializable> byte[] inTask(Replica<R> replica, int timeoutMs) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        String host = host(ctx.getTaskInfos()[rank].address());
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(host, 0));
            // Spark's allGather polls once a second: used once, for the addresses, never per step
            String[] all = ctx.allGather(host + ":" + server.getLocalPort());
            try (TcpRing comm = TcpRing.connect(rank, List.of(all), server, Duration.ofMillis(timeoutMs))) {
                return serialize(replica.train(comm));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("worker " + rank + ": " + e.getMessage(), e);
        } finally {
            RowShard.set(null);   // executor threads are reused: the next task's draws are its own
        }
    }

    /** A task's address is "host" or "host:port". */
    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }

    private static byte[] serialize(Object o) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <R> R deserialize(byte[] b) {
        try (var in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return (R) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("SparkTrainer: a replica returned a " + e.getMessage() + ", unknown to the driver", e);
        }
    }
}
