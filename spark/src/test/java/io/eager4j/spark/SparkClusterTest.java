package io.eager4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster of two Workers on 127.0.0.1: train-mnist --spark spark://... scores as one
 * process; a worker whose JVM is killed mid-run fails the run naming it and the step, and --resume
 * from the last checkpoint ends with the uninterrupted run's parameters.
 */
class SparkClusterTest {
    @Test
    void aClusterTrainsLosesAWorkerAndResumes(@TempDir Path tmp) throws Exception {
        String data = Runs.mnist().toString();
        try (StandaloneCluster cluster = new StandaloneCluster(tmp, 2)) {
            Runs.Cli one = Runs.cli("train-mnist", "--steps", "300", "--data-dir", data);
            Runs.Cli two = Runs.cli("train-mnist", "--spark", cluster.url(), "--workers", "2", "--steps", "300", "--data-dir", data,
                    "--log-every", "100");
            assertEquals(0, two.code(), two.err() + cluster.log("worker0"));
            assertEquals(one.value("test accuracy = "), two.value("test accuracy = "), 0.005, two.out());
            assertEquals(3, two.out().lines().filter(l -> l.startsWith("step: ")).count(), "worker 0's lines, once: " + two.out());

            // the fault: worker 1's executor JVM killed by its process id once 250 steps are done
            Path ckpt = tmp.resolve("ckpt.safetensors");
            String[] run = {"train-mnist", "--spark", cluster.url(), "--workers", "2", "--steps", "1500", "--data-dir", data,
                    "--checkpoint-every", "100", "--checkpoint", ckpt.toString()};
            SparkRun.lastChannel = null;
            CompletableFuture<Runs.Cli> killed = CompletableFuture.supplyAsync(() -> Runs.cli(run));
            long pid = awaitStepsThenPidOf(1, 250, killed);
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false), "worker 1's JVM " + pid);
            Runs.Cli failed = killed.get(120, TimeUnit.SECONDS);
            assertEquals(1, failed.code(), failed.out() + failed.err());
            List<String> lines = failed.err().lines().filter(l -> l.startsWith("eager4j: ") && !l.startsWith("eager4j: GEMM")).toList();
            assertEquals(1, lines.size(), failed.err());
            String line = lines.getFirst();
            assertTrue(line.matches("eager4j: the Spark run failed at step \\d+ of 1500: .*worker 1.*"), line);
            assertTrue(line.contains("rerun with --resume " + ckpt), line);
            assertTrue(!failed.err().contains("\tat "), "no stack trace without --verbose: " + failed.err());

            String[] resume = java.util.Arrays.copyOf(run, run.length + 4);
            resume[run.length] = "--resume";
            resume[run.length + 1] = ckpt.toString();
            resume[run.length + 2] = "--save";
            resume[run.length + 3] = tmp.resolve("resumed").toString();
            Runs.Cli resumed = Runs.cli(resume);
            assertEquals(0, resumed.code(), resumed.err());

            Runs.Cli whole = Runs.cli("train-mnist", "--spark", "local[2]", "--steps", "1500", "--data-dir", data,
                    "--save", tmp.resolve("whole").toString());
            assertEquals(0, whole.code(), whole.err());
            Map<String, float[]> a = Runs.saved(tmp.resolve("whole")), b = Runs.saved(tmp.resolve("resumed"));
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k + ": resumed must end as the uninterrupted run");
            assertTrue(Files.exists(ckpt));
        }
    }

    /** Waits (bounded) until the running job's workers are past {@code steps}, then returns worker {@code rank}'s process id. */
    private static long awaitStepsThenPidOf(int rank, int steps, CompletableFuture<Runs.Cli> run) throws Exception {
        long end = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < end) {
            Channel c = SparkRun.lastChannel;
            if (c != null && c.stepsDone() >= steps && c.pids().containsKey(rank)) return c.pids().get(rank);
            if (run.isDone()) throw new AssertionError("the run ended before worker " + rank + " could be killed: " + run.get());
            Thread.sleep(2);
        }
        throw new AssertionError("the run did not reach step " + steps + " within 90 s");
    }
}
