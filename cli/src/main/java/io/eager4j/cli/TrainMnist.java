package io.eager4j.cli;

import io.eager4j.Device;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.data.ReadOptions;
import io.eager4j.examples.SeedMnist;
import io.eager4j.io.SafeTensors;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eager4j train-mnist}: runs {@link SeedMnist} with the flags' settings and prints the seed's
 * lines, then validation and test accuracy and the training time.
 * <pre>{@code
 * bin/eager4j train-mnist --steps 1000 --seed 1 --save model.safetensors --plot curves.png
 * bin/eager4j train-mnist --restore model.safetensors --steps 0     # score a saved model
 * }</pre>
 */
@Command(name = "train-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains the seed MLP (784-hidden-10, ReLU, dropout, Adam) on MNIST or Fashion-MNIST.")
final class TrainMnist implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "mnist", description = "mnist or fashion-mnist (default: ${DEFAULT-VALUE}).")
    String dataset;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder with the four IDX files (raw or .gz; missing ones are downloaded into it). Default: $EAGER4J_DATA, else the user cache.")
    Path dataDir;
    @Option(names = "--steps", paramLabel = "N", defaultValue = "3000", description = "Training steps, 0 or more (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--hidden", paramLabel = "N", defaultValue = "150", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--keep-prob", paramLabel = "P", defaultValue = "0.75", description = "Dropout keep probability in (0, 1] (default: ${DEFAULT-VALUE}).")
    double keepProb;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seeds initial values, dropout and the data shuffling (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for large matrix products, 1 or more (sets eager4j.threads; default: 2 where there are 2 or more cores).")
    Integer threads;
    @Option(names = "--log-every", paramLabel = "N", defaultValue = "500", description = "Print the seed's step/accuracy/loss lines every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;
    @Option(names = "--metrics", paramLabel = "FILE", description = "Write every step's loss and batch accuracy as CSV.")
    Path metrics;
    @Option(names = "--plot", paramLabel = "FILE", description = "Draw the loss and accuracy curves as a PNG.")
    Path plot;
    @Option(names = "--save", paramLabel = "FILE", description = "Save W0, b0, W1, b1 as safetensors (written atomically).")
    Path save;
    @Option(names = "--restore", paramLabel = "FILE", description = "Start from a saved model instead of random values.")
    Path restore;
    @Option(names = "--check-numerics", description = "Stop at the first NaN or infinity, naming the tensor.")
    boolean checkNumerics;
    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        validate();
        if (threads != null) {
            System.setProperty("eager4j.threads", threads.toString());   // before any kernel starts
        }
        Device dev = device();
        Dataset ds = dataset();
        SafeTensors.Contents restored = restore == null ? null : SafeTensors.read(restore);   // fail before the data loads
        DataSets data = ds.read(ReadOptions.defaults().withDir(dataDir).withOneHot(true).withSeed(seed));
        if (batchSize > data.train().numExamples()) {
            throw usage("--batch-size " + batchSize + " is more than the " + data.train().numExamples() + " training images");
        }

        PrintWriter err = spec.commandLine().getErr();
        Metrics recorded = new Metrics();
        Progress progress = new Progress(err, Progress.stderrIsTerminal(), logEvery);
        PrintWriter out = progress.around(spec.commandLine().getOut());
        var config = new SeedMnist.Config(steps, batchSize, hidden, keepProb, learningRate, seed, dev, logEvery,
                checkNumerics, out, metrics != null || plot != null ? List.of(recorded, progress) : List.of(progress),
                vars -> { if (restored != null) Checkpoint.restore(restored, restore, vars); });
        SeedMnist.Result r = SeedMnist.train(data, config);

        out.println("validation accuracy = " + r.validationAccuracy());
        out.println("test accuracy = " + r.testAccuracy());
        out.printf("training time = %.2f s (%d steps, %.1f steps/s)%n", r.trainSeconds(), steps,
                steps == 0 ? 0.0 : steps / r.trainSeconds());
        if (save != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", "seed-mnist");
            meta.put("dataset", ds.name());
            meta.put("hidden", Integer.toString(hidden));
            Checkpoint.save(save, r.variables(), meta);
            out.println("saved " + save);
        }
        if (metrics != null) {
            recorded.writeCsv(metrics);
            out.println("wrote " + metrics);
        }
        if (plot != null) {
            Plot.write(plot, recorded, ds.title() + ", seed MLP " + hidden + " hidden units");
            out.println("wrote " + plot);
        }
        out.flush();
        return 0;
    }

    /** Everything that can be checked before minutes of loading and training. */
    private void validate() {
        if (steps < 0) throw usage("--steps " + steps + " is negative; use 0 or more (0 only scores the model)");
        if (batchSize < 1) throw usage("--batch-size " + batchSize + " must be 1 or more");
        if (hidden < 1) throw usage("--hidden " + hidden + " must be 1 or more");
        if (!(keepProb > 0 && keepProb <= 1)) throw usage("--keep-prob " + keepProb + " is outside (0, 1]; 1 turns dropout off");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw usage("--learning-rate " + learningRate + " must be a positive number");
        }
        if (logEvery < 1) throw usage("--log-every " + logEvery + " must be 1 or more");
        if (threads != null && threads < 1) throw usage("--threads " + threads + " must be 1 or more");
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw usage("--data-dir " + dataDir + (Files.exists(dataDir) ? " is not a folder" : ": no such folder")
                    + "; create it (missing files are downloaded into it) or name the folder holding the MNIST files");
        }
        if (restore != null && !Files.isRegularFile(restore)) {
            throw usage("--restore " + restore + (Files.exists(restore) ? " is not a file" : ": no such file"));
        }
        outputFile("--save", save);
        outputFile("--metrics", metrics);
        outputFile("--plot", plot);
    }

    private void outputFile(String flag, Path file) {
        if (file == null) return;
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) throw usage(flag + " " + file + " is a folder; name a file");
        if (dir == null || !Files.isDirectory(dir)) throw usage(flag + " " + file + ": folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw usage(flag + " " + file + ": cannot write in folder " + dir);
    }

    private Device device() {
        try {
            return Device.parse(device);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw usage("--device " + device + ": " + e.getMessage());
        }
    }

    private Dataset dataset() {
        try {
            return Dataset.byName(dataset);
        } catch (IllegalArgumentException e) {
            throw usage("--dataset: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
