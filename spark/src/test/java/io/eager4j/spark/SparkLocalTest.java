package io.eager4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.parallel.DataParallel;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Spark in this JVM (local[N]): the trainer's replicas against one process, and the CLI's --spark. */
class SparkLocalTest {
    static JavaSparkContext local(int slots) {
        return new JavaSparkContext(new SparkConf().setMaster("local[" + slots + "]").setAppName("eager4j test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @Test
    void twoWorkersOnHalvesOfEachBatchMatchOneProcessOnTheWholeBatch() {
        String dir = Runs.mnist().toString();
        float[][] one = Runs.seedSteps(dir, DataParallel.single(), 128, 5);
        try (JavaSparkContext sc = local(2)) {
            List<float[][]> two = new SparkTrainer(sc.sc(), 2).run(comm ->
                    Runs.seedSteps(dir, DataParallel.gradients(comm, DataParallel.Reduction.SUM), 128, 5));
            List<float[][]> alone = new SparkTrainer(sc.sc(), 1).run(comm ->
                    Runs.seedSteps(dir, DataParallel.gradients(comm, DataParallel.Reduction.SUM), 128, 5));
            for (int v = 0; v < one.length; v++) {
                assertArrayEquals(two.get(0)[v], two.get(1)[v], "the two replicas' variable " + v + " must be bitwise equal");
                assertArrayEquals(one[v], alone.getFirst()[v], "local[1] is the one-process run exactly");
                for (int i = 0; i < one[v].length; i++) {
                    assertEquals(one[v][i], two.get(0)[v][i], 1e-5 + 1e-4 * Math.abs(one[v][i]), "variable " + v + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void trainMnistOnLocal2PrintsTheSeedsLinesOnceAndScoresAsOneProcess(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String dir = Runs.mnist().toString();
        Runs.Cli one = Runs.cli("train-mnist", "--steps", "300", "--data-dir", dir, "--log-every", "100", "--save", tmp.resolve("one").toString());
        Runs.Cli two = Runs.cli("train-mnist", "--spark", "local[2]", "--steps", "300", "--data-dir", dir, "--log-every", "100",
                "--save", tmp.resolve("two").toString());
        assertEquals(0, two.code(), two.err());
        List<String> lines = two.out().lines().toList();
        assertEquals(List.of("step: 0", "step: 100", "step: 200"), lines.stream().filter(l -> l.startsWith("step: ")).toList(), two.out());
        // the global batch's values, as one process prints them: the same steps and accuracies, and losses as
        // close as the variables are (two half-batch gradients summed round differently from one)
        List<String> mine = logged(lines), theirs = logged(one.out().lines().toList());
        assertEquals(theirs.size(), mine.size(), two.out());
        for (int i = 0; i < mine.size(); i++) {
            if (!mine.get(i).startsWith("loss = ")) {
                assertEquals(theirs.get(i), mine.get(i));
            } else {
                double want = Double.parseDouble(theirs.get(i).substring(7)), got = Double.parseDouble(mine.get(i).substring(7));
                assertEquals(want, got, 1e-5 * want, "line " + i + ": " + mine.get(i) + " against one process's " + theirs.get(i));
            }
        }
        assertEquals(one.value("test accuracy = "), two.value("test accuracy = "), 0.005);
        assertTrue(two.out().contains("training time = "), two.out());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("test accuracy = ")).count(), "worker 0 reports alone");
        assertTrue(two.err().contains("train-mnist: 300/300 steps"), "the driver's progress lines follow worker 0: " + two.err());
        var a = Runs.saved(tmp.resolve("one"));
        var b = Runs.saved(tmp.resolve("two"));
        assertEquals(a.keySet(), b.keySet());
    }

    @Test
    void theCnnAveragesItsGradientsAndAveragingParametersTrains() {
        String dir = Runs.mnist().toString();
        String[] cnn = {"train-cnn", "--steps", "3", "--batch-size", "16", "--data-dir", dir, "--log-every", "1"};
        Runs.Cli one = Runs.cli(cnn);
        String[] spark = java.util.Arrays.copyOf(cnn, cnn.length + 2);
        spark[cnn.length] = "--spark";
        spark[cnn.length + 1] = "local[2]";
        Runs.Cli two = Runs.cli(spark);
        assertEquals(0, two.code(), two.err());
        List<Double> a = losses(one.out()), b = losses(two.out());
        assertEquals(3, b.size(), two.out());
        for (int i = 0; i < 3; i++) assertEquals(a.get(i), b.get(i), 1e-5 * a.get(i), "step " + i + ": the mean of the two halves' losses");

        Runs.Cli averaged = Runs.cli("train-mnist", "--spark", "local[2]", "--average-every", "10", "--steps", "200", "--data-dir", dir);
        assertEquals(0, averaged.code(), averaged.err());
        assertTrue(averaged.value("test accuracy = ") > 0.85, averaged.out());
    }

    private static List<Double> losses(String out) {
        return out.lines().filter(l -> l.startsWith("loss = ")).map(l -> Double.parseDouble(l.substring(7))).toList();
    }

    @Test
    void badMastersAndWorkerCountsGetOneLineAndAFailingStatus() {
        long start = System.nanoTime();
        for (String[] bad : new String[][] {
                {"--spark", "spark://127.0.0.1:1"}, {"--spark", "yarn"}, {"--spark", "local[2]", "--workers", "0"},
                {"--spark", "local[2]", "--workers", "3"}, {"--spark", "local[2]", "--workers", "3", "--batch-size", "128"},
                {"--workers", "2"}, {"--spark", "local[2]", "--trace"}}) {
            String[] args = new String[bad.length + 1];
            args[0] = "train-mnist";
            System.arraycopy(bad, 0, args, 1, bad.length);
            Runs.Cli r = Runs.cli(args);
            assertNotEquals(0, r.code(), String.join(" ", bad));
            List<String> errors = r.err().lines().filter(l -> l.startsWith("eager4j: ") && !l.startsWith("eager4j: GEMM")).toList();
            assertEquals(1, errors.size(), String.join(" ", bad) + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "each fails before any Spark job starts");
        assertTrue(Runs.cli("train-mnist", "--spark", "yarn").err().contains("use local[N]"));
        assertTrue(Runs.cli("train-mnist", "--spark", "spark://127.0.0.1:1").err().contains("no Spark master answers at 127.0.0.1:1"));
        assertTrue(Runs.cli("train-mnist", "--spark", "local[2]", "--workers", "3").err().contains("split evenly"));
        // a worker's own error is the one reported, not its peer's all-reduce that saw it go
        String dropout = Runs.cli("train-mnist", "--spark", "local[2]", "--batch-size", "6", "--steps", "1", "--data-dir",
                Runs.mnist().toString()).err();
        assertTrue(dropout.contains("failed at step 0 of 1: worker 1: dropout: this worker's rows 3..5 of 6 start at element 450"
                + " of the one-process draw of shape [6, 150]"), dropout);
    }

    private static List<String> logged(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("step: ") || l.startsWith("accuracy = ") || l.startsWith("loss = ")).toList();
    }
}
