package io.eager4j.spark;

import io.eager4j.Device;
import io.eager4j.Variable;
import io.eager4j.cli.Main;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.data.Mnist;
import io.eager4j.data.RealData;
import io.eager4j.examples.Checkpointing;
import io.eager4j.examples.SeedMnist;
import io.eager4j.io.SafeTensors;
import io.eager4j.parallel.DataParallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the Spark tests share: the real MNIST, seed runs through the API and the command line. */
final class Runs {
    record Cli(int code, String out, String err) {
        double value(String prefix) {
            return Double.parseDouble(out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                    () -> new AssertionError("no '" + prefix + "' in: " + out + err)).substring(prefix.length()));
        }
    }

    private Runs() {}

    /** $EAGER4J_DATA; absent, the test skips, or fails under EAGER4J_REQUIRE_DATA=1. */
    static Path mnist() {
        return RealData.folder(Dataset.MNIST, "EAGER4J_DATA", null);
    }

    static Cli cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    /** The seed program's variables after {@code steps} steps of {@code batch} images, as one replica of dp. */
    static float[][] seedSteps(String mnistDir, DataParallel dp, int batch, int steps) {
        DataSets mnist = Mnist.readDataSets(Path.of(mnistDir), true);
        SeedMnist.Config d = SeedMnist.Config.defaults();
        var config = new SeedMnist.Config(steps, batch, d.hidden(), d.keepProb(), d.learningRate(), 0, Device.cpu(), 1, false, false,
                dp, Checkpointing.NONE, new PrintWriter(Writer.nullWriter()), List.of(), vars -> {});
        List<Variable> vars = SeedMnist.train(mnist, config).variables();
        float[][] out = new float[vars.size()][];
        for (int i = 0; i < out.length; i++) out[i] = vars.get(i).toFloatArray();
        return out;
    }

    /** A saved model's tensors by name, as float arrays. */
    static Map<String, float[]> saved(Path file) throws IOException {
        Map<String, float[]> out = new TreeMap<>();
        SafeTensors.read(file).tensors().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }
}
