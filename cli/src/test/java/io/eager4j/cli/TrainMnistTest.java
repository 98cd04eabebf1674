package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real runs on MNIST (skipped without $EAGER4J_DATA, see {@link Cli#mnist()}). */
class TrainMnistTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void trainsSavesAndRestoresTheSameModel(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path ckpt = tmp.resolve("ckpt");
        Path csv = tmp.resolve("m.csv");
        Path png = tmp.resolve("p.png");
        Cli.Run r = Cli.run("train-mnist", "--steps", "200", "--log-every", "100", "--data-dir", data,
                "--save", ckpt.toString(), "--metrics", csv.toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals("step: 0", out.get(0));
        assertTrue(out.get(1).startsWith("accuracy = "), out.get(1));
        assertTrue(out.get(2).startsWith("loss = "), out.get(2));
        assertEquals("step: 100", out.get(3));
        assertEquals(2, out.stream().filter(l -> l.startsWith("step: ")).count());
        double test = value(out, "test accuracy = ");
        assertTrue(test > 0.85, "test accuracy " + test);
        assertTrue(value(out, "validation accuracy = ") > 0.85);

        byte[] png8 = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(PNG, png8);
        List<String> rows = Files.readAllLines(csv);
        assertEquals(201, rows.size());
        assertEquals("step,loss,batch_accuracy", rows.get(0));
        assertTrue(rows.get(1).startsWith("0,"), rows.get(1));
        assertTrue(rows.get(200).startsWith("199,"), rows.get(200));

        Cli.Run again = Cli.run("train-mnist", "--restore", ckpt.toString(), "--steps", "0", "--data-dir", data);
        assertEquals(0, again.code(), again.err());
        assertEquals(line(out, "test accuracy = "), line(again.out().lines().toList(), "test accuracy = "));
        assertEquals(line(out, "validation accuracy = "), line(again.out().lines().toList(), "validation accuracy = "));

        Cli.Run wrong = Cli.run("train-mnist", "--restore", ckpt.toString(), "--steps", "0", "--hidden", "100",
                "--data-dir", data);
        assertEquals(1, wrong.code());
        assertEquals("eager4j: --restore " + ckpt + " does not fit the model: W0 has shape [784, 150] in the file but"
                + " [784, 100] in the model; b0 has shape [150] in the file but [100] in the model; W1 has shape"
                + " [150, 10] in the file but [100, 10] in the model (it was saved with --hidden 150)\n", wrong.err());
    }

    @Test
    void checkNumericsNamesTheFirstNonFiniteTensor() {
        String data = Cli.mnist().toString();
        // an absurd step size: the weights blow up to infinity within a few steps
        Cli.Run r = Cli.run("train-mnist", "--steps", "50", "--learning-rate", "1e38", "--check-numerics",
                "--data-dir", data);
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("eager4j: check-numerics: NaN or infinity in the logits"), r.err());
        assertTrue(r.err().contains(" at step "), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("eager4j:")).count(), r.err());
    }

    @Test
    void batchLargerThanTheTrainingSetIsAUsageError() {
        Cli.Run r = Cli.run("train-mnist", "--batch-size", "55001", "--data-dir", Cli.mnist().toString());
        assertEquals(Main.USAGE, r.code());
        assertEquals("eager4j: --batch-size 55001 is more than the 55000 training images (see 'eager4j train-mnist --help')\n",
                r.err());
    }

    @Test
    void sameSeedSameRunOtherSeedOtherRun() {
        String data = Cli.mnist().toString();
        String a = Cli.run("train-mnist", "--steps", "20", "--log-every", "10", "--seed", "7", "--data-dir", data).out();
        String b = Cli.run("train-mnist", "--steps", "20", "--log-every", "10", "--seed", "7", "--data-dir", data).out();
        String c = Cli.run("train-mnist", "--steps", "20", "--log-every", "10", "--seed", "8", "--data-dir", data).out();
        assertEquals(withoutTimes(a), withoutTimes(b));
        assertTrue(!withoutTimes(a).equals(withoutTimes(c)), "seed 8 gave the same run as seed 7");
    }

    private static String withoutTimes(String out) {
        return out.lines().filter(l -> !l.startsWith("training time")).toList().toString();
    }

    private static String line(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in " + out));
    }

    private static double value(List<String> out, String prefix) {
        return Double.parseDouble(line(out, prefix).substring(prefix.length()));
    }
}
