package io.eager4j.spark;

import io.eager4j.cli.SparkLauncher;
import io.eager4j.io.SafeTensors;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code bin/eager4j train-mnist --spark MASTER}: starts a Spark application on the master and runs
 * the command line's training as one barrier stage of {@code --workers} replicas ({@link
 * CommandReplica}), relaying worker 0's output. Everything it starts for a master on this machine
 * binds to 127.0.0.1, with Spark's web UI off. Found by the CLI through {@link SparkLauncher}.
 */
public final class SparkRun implements SparkLauncher {
    /** JVM flags every executor needs: eager4j's (the Vector API) and Spark's on JDK 25. */
    static final String EXECUTOR_FLAGS = "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " --sun-misc-unsafe-memory-access=allow -Xss4m";
    private static final long REGISTER_MS = 60_000;   // a busy 2-core machine starts two executor JVMs in 10-20 s

    static volatile Channel lastChannel;   // the latest run's, for tests that need a worker's process id

    @Override
    public int run(Job job) throws Exception {
        Master master = Master.parse(job.master());
        if (master.isLocal() && job.workers() != null && job.workers() > master.localSlots()) {
            throw new IllegalArgumentException("--workers " + job.workers() + " needs " + job.workers() + " task slots at once (a barrier"
                    + " stage); " + master.url() + " has " + master.localSlots() + "; use local[" + job.workers() + "] or fewer workers");
        }
        master.probe();
        Configurator.setRootLevel(job.verbose() ? Level.INFO : Level.OFF);
        String host = master.isLoopback() ? "127.0.0.1" : java.net.InetAddress.getLocalHost().getHostAddress();
        try (JavaSparkContext sc = new JavaSparkContext(conf(job, master, host)); Channel channel = new Channel(host, job.out(), job.progress())) {
            int workers = workers(job, master, sc);
            if (job.globalBatch() % workers != 0) {
                throw new IllegalArgumentException("--batch-size " + job.globalBatch() + " does not split evenly over " + workers
                        + " workers (each takes an equal share of every batch); use a multiple of " + workers + " or set --workers");
            }
            Failures failures = new Failures();
            sc.sc().addSparkListener(failures);
            lastChannel = channel;
            job.progress().started(job.steps());
            try {
                List<Integer> status = new SparkTrainer(sc.sc(), workers).run(new CommandReplica(job.args().toArray(new String[0]),
                        channel.address()));
                channel.awaitEnded(workers, 10_000);   // worker 0's last lines are printed before we return
                return status.getFirst();
            } catch (Exception e) {   // Spark's SparkException is checked, though Scala does not declare it
                throw new IllegalStateException(failure(job, channel, failures.first(1500), workers, e), e);
            } finally {
                job.progress().finished();
            }
        }
    }

    private static SparkConf conf(Job job, Master master, String host) {
        SparkConf c = new SparkConf().setAppName("eager4j " + job.command()).setMaster(master.url())
                .set("spark.ui.enabled", "false")
                .set("spark.task.maxFailures", "1")                 // a lost worker fails the run: --resume continues it
                .set("spark.stage.maxConsecutiveAttempts", "1")
                .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .set("spark.executor.extraJavaOptions", EXECUTOR_FLAGS);
        if (master.isLoopback()) c.set("spark.driver.host", host).set("spark.driver.bindAddress", host);
        if (!master.isLocal()) {
            c.set("spark.executor.cores", "1");   // one replica per executor: a barrier task each
            if (job.workers() != null) c.set("spark.cores.max", job.workers().toString());
            // this machine's executors read the driver's class path where it lies; another machine's get its jars
            if (master.isLoopback()) c.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            else c.set("spark.jars", String.join(",", applicationJars()));
        }
        return c;
    }

    /** The class path's jars but Spark's own (bin/eager4j keeps those in spark/target/spark-lib). */
    static List<String> applicationJars() {
        List<String> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && !e.contains(File.separator + "spark-lib" + File.separator)) jars.add(e);
        }
        return jars;
    }

    /** --workers, or the master's slots: local[N]'s N, or a cluster's executors once they registered. */
    private static int workers(Job job, Master master, JavaSparkContext sc) throws InterruptedException {
        if (master.isLocal()) return job.workers() != null ? job.workers() : master.localSlots();
        int wanted = job.workers() != null ? job.workers() : 1;
        long end = System.currentTimeMillis() + REGISTER_MS;
        int executors;
        while ((executors = sc.statusTracker().getExecutorInfos().length - 1) < wanted && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        if (executors < wanted) {
            throw new IllegalStateException("--spark " + master.url() + ": " + executors + " of " + wanted + " executors registered within "
                    + REGISTER_MS / 1000 + " s; start more workers or ask for fewer with --workers");
        }
        return job.workers() != null ? job.workers() : executors;
    }

    /** One line: which worker failed at which step and why, and where to resume from. */
    private static String failure(Job job, Channel channel, Failures.Failure f, int workers, Exception e) {
        int step = channel.stepsDoneByAll(workers);
        String why;
        if (f == null) {
            why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
        } else if (f.lost()) {
            why = "worker " + f.worker() + " was lost (" + f.reason() + ")";
        } else {
            why = f.reason();
        }
        String resume = "";
        if (job.checkpoint() != null && Files.isRegularFile(job.checkpoint())) {
            try {
                String done = SafeTensors.read(job.checkpoint()).metadata().get("run.steps-done");
                resume = "; the checkpoint " + job.checkpoint() + " holds step " + done + ": rerun with --resume " + job.checkpoint();
            } catch (IOException | RuntimeException unreadable) {
                resume = "; the checkpoint " + job.checkpoint() + " cannot be read (" + unreadable.getMessage() + ")";
            }
        }
        return "the Spark run failed at step " + step + " of " + job.steps() + ": " + why + resume;
    }
}
