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

/** A few dozen real steps of the CNN (skipped without $EAGER4J_DATA, see {@link Cli#mnist()}). */
class TrainCnnTest {
    @Test
    void trainsSavesAndRestoresTheSameModel(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path ckpt = tmp.resolve("cnn.safetensors"), csv = tmp.resolve("m.csv"), png = tmp.resolve("p.png");
        Cli.Run r = Cli.run("train-cnn", "--steps", "24", "--log-every", "12", "--seed", "2", "--data-dir", data,
                "--save", ckpt.toString(), "--metrics", csv.toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(List.of("step: 0", "step: 12"), out.stream().filter(l -> l.startsWith("step: ")).toList());
        assertTrue(out.get(1).startsWith("accuracy = ") && out.get(2).startsWith("loss = "), out.toString());
        double test = value(out, "test accuracy = ");
        assertTrue(test > 0.6, "24 steps should reach well above chance: " + test);
        String time = out.stream().filter(l -> l.startsWith("training time = ")).findFirst().orElseThrow();
        assertTrue(time.matches("training time = [0-9.]+ s \\(24 steps, [0-9.]+ images/s\\)"), time);
        assertTrue(r.err().contains("train-cnn: 24/24 steps"), r.err());
        assertEquals(25, Files.readAllLines(csv).size());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(Files.readAllBytes(png), 4));

        Cli.Run again = Cli.run("train-cnn", "--restore", ckpt.toString(), "--steps", "0", "--data-dir", data);
        assertEquals(0, again.code(), again.err());
        List<String> scored = again.out().lines().toList();
        assertEquals(line(out, "test accuracy = "), line(scored, "test accuracy = "));
        assertEquals(line(out, "validation accuracy = "), line(scored, "validation accuracy = "));
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedWithEveryMismatch(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path mlp = tmp.resolve("mlp.safetensors");
        assertEquals(0, Cli.run("train-mnist", "--steps", "1", "--data-dir", data, "--save", mlp.toString()).code());
        Cli.Run r = Cli.run("train-cnn", "--restore", mlp.toString(), "--steps", "0", "--data-dir", data);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("eager4j: --restore " + mlp + " does not fit the model: it has no tensor 'conv1.kernel';"), r.err());
        assertTrue(r.err().contains("it holds 'W0', which the model does not have"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void badFlagsGetOneLineAndExitTwo() {
        for (String[] args : new String[][] {{"--steps", "-1"}, {"--batch-size", "0"}, {"--learning-rate", "0"}, {"--device", "tpu"}}) {
            String[] full = new String[args.length + 1];
            full[0] = "train-cnn";
            System.arraycopy(args, 0, full, 1, args.length);
            Cli.Run r = Cli.run(full);
            assertEquals(2, r.code(), String.join(" ", full));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("eager4j: " + args[0]) && r.err().contains("(see 'eager4j train-cnn --help')"), r.err());
        }
    }

    static String line(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in " + out));
    }

    static double value(List<String> out, String prefix) {
        return Double.parseDouble(line(out, prefix).substring(prefix.length()));
    }
}
