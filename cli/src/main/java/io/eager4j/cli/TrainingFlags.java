package io.eager4j.cli;

import io.eager4j.Device;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.data.ReadOptions;
import io.eager4j.examples.Checkpointing;
import io.eager4j.examples.SeedMnist;
import io.eager4j.parallel.DataParallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags every training command shares ({@code train-mnist}, {@code train-cnn}), with their
 * checks: a picocli mixin. A command supplies its own defaults for steps and log-every.
 * <pre>{@code
 * @Mixin TrainingFlags flags;   // in a @Command class
 * int steps = flags.steps(2000);
 * }</pre>
 */
final class TrainingFlags {
    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "mnist", description = "mnist or fashion-mnist (default: ${DEFAULT-VALUE}).")
    String dataset;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder with the four IDX files (raw or .gz; missing ones are downloaded into it). Default: $EAGER4J_DATA, else the user cache.")
    Path dataDir;
    @Option(names = "--steps", paramLabel = "N", description = "Training steps, 0 or more (default: 3000 for train-mnist, 2000 for train-cnn).")
    Integer steps;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seeds initial values, dropout and the data shuffling (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for large matrix products and convolutions, 1 or more (sets eager4j.threads; default: 2 where there are 2 or more cores).")
    Integer threads;
    @Option(names = "--log-every", paramLabel = "N", description = "Print the step/accuracy/loss lines every N steps (default: 500 for train-mnist, 100 for train-cnn).")
    Integer logEvery;
    @Option(names = "--metrics", paramLabel = "FILE", description = "Write every step's loss and batch accuracy as CSV.")
    Path metrics;
    @Option(names = "--plot", paramLabel = "FILE", description = "Draw the loss and accuracy curves as a PNG.")
    Path plot;
    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model as safetensors (written atomically).")
    Path save;
    @Option(names = "--restore", paramLabel = "FILE", description = "Start from a saved model instead of random values.")
    Path restore;
    @Option(names = "--check-numerics", description = "Stop at the first NaN or infinity, naming the tensor.")
    boolean checkNumerics;
    @Option(names = "--trace", description = "Record the training step once and replay it (Traced): same results, less overhead.")
    boolean trace;
    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0", description = "Save the whole run's state every N steps (to --checkpoint), so --resume can continue it.")
    int checkpointEvery;
    @Option(names = "--checkpoint", paramLabel = "FILE", defaultValue = "checkpoint.safetensors", description = "Where --checkpoint-every writes, atomically (default: ${DEFAULT-VALUE}).")
    Path checkpoint;
    @Option(names = "--resume", paramLabel = "FILE", description = "Continue a run from its checkpoint (same flags otherwise); it ends as the uninterrupted run would.")
    Path resume;
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Spark: local[N] or spark://host:port (needs the eager4j-spark module; bin/eager4j adds it).")
    String spark;
    @Option(names = "--workers", paramLabel = "N", description = "With --spark: replicas, each on its share of every batch (default: the master's slots).")
    Integer workers;
    @Option(names = "--average-every", paramLabel = "K", description = "With --spark: no per-step all-reduce; each worker steps on its shard and parameters and optimizer state are averaged every K steps.")
    Integer averageEvery;
    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    private RunState state;   // --resume or --checkpoint-every's, once made

    int steps(int byDefault) {
        return steps != null ? steps : byDefault;
    }

    int logEvery(int byDefault) {
        return logEvery != null ? logEvery : byDefault;
    }

    /** Everything that can be checked before minutes of loading and training; also applies --threads. */
    void validate(CommandLine cl, int defaultSteps, int defaultLogEvery) {
        if (steps(defaultSteps) < 0) throw usage(cl, "--steps " + steps + " is negative; use 0 or more (0 only scores the model)");
        if (batchSize < 1) throw usage(cl, "--batch-size " + batchSize + " must be 1 or more");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw usage(cl, "--learning-rate " + learningRate + " must be a positive number");
        }
        if (logEvery(defaultLogEvery) < 1) throw usage(cl, "--log-every " + logEvery + " must be 1 or more");
        if (threads != null && threads < 1) throw usage(cl, "--threads " + threads + " must be 1 or more");
        if (trace && checkNumerics) {
            throw usage(cl, "--trace and --check-numerics cannot be combined: checking reads every value on the host, which a replay"
                    + " does not do; drop one of them");
        }
        if (checkpointEvery < 0) throw usage(cl, "--checkpoint-every " + checkpointEvery + " is negative; use 0 (none) or more");
        if (resume != null && !Files.isRegularFile(resume)) {
            throw usage(cl, "--resume " + resume + (Files.exists(resume) ? " is not a file" : ": no such file"));
        }
        if (resume != null && restore != null) {
            throw usage(cl, "--resume and --restore cannot be combined: --resume continues a run (state and step), --restore starts"
                    + " one from saved weights at step 0");
        }
        if (checkpointEvery > 0) outputFile(cl, "--checkpoint", checkpoint);
        validateSpark(cl);
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw usage(cl, "--data-dir " + dataDir + (Files.exists(dataDir) ? " is not a folder" : ": no such folder")
                    + "; create it (missing files are downloaded into it) or name the folder holding the MNIST files");
        }
        if (restore != null && !Files.isRegularFile(restore)) {
            throw usage(cl, "--restore " + restore + (Files.exists(restore) ? " is not a file" : ": no such file"));
        }
        outputFile(cl, "--save", save);
        outputFile(cl, "--metrics", metrics);
        outputFile(cl, "--plot", plot);
        if (threads != null) {
            System.setProperty("eager4j.threads", threads.toString());   // before any kernel starts
        }
        if (trace && System.getProperty("eager4j.warmup") == null) {
            System.setProperty("eager4j.warmup", "traced");   // before the device opens: its warm-up replays a trace too
        }
    }

    private void validateSpark(CommandLine cl) {
        if (spark == null) {
            if (workers != null) throw usage(cl, "--workers needs --spark MASTER");
            if (averageEvery != null) throw usage(cl, "--average-every needs --spark MASTER");
            return;
        }
        if (workers != null && workers < 1) throw usage(cl, "--workers " + workers + " must be 1 or more");
        if (averageEvery != null && averageEvery < 1) throw usage(cl, "--average-every " + averageEvery + " must be 1 or more");
        if (workers != null && batchSize % workers != 0) {
            throw usage(cl, "--batch-size " + batchSize + " does not split evenly over --workers " + workers
                    + " (each worker takes an equal share of every batch); use a multiple of " + workers);
        }
        if (trace) {
            throw usage(cl, "--trace and --spark cannot be combined: a replay cannot stop between backward and update for the"
                    + " all-reduce; drop --trace");
        }
    }

    /** A driver's run with --spark (not a worker's, which runs the same command line as a replica). */
    boolean launchesSpark() {
        return spark != null && Replica.current() == null;
    }

    /** Runs this command's workers on Spark and returns the exit status. */
    int launchSpark(CommandLine cl, String command, int defaultSteps, int defaultLogEvery) throws Exception {
        SparkLauncher launcher = SparkLauncher.find();
        if (launcher == null) {
            throw usage(cl, "--spark needs the eager4j-spark module on the class path; bin/eager4j puts it there (a Maven"
                    + " project adds io.eager4j:eager4j-spark)");
        }
        List<String> args = new ArrayList<>(cl.getParseResult().originalArgs());
        int at = args.indexOf(command);
        if (at > 0) args = new ArrayList<>(args.subList(at, args.size()));
        if (!args.isEmpty() && !args.get(0).equals(command)) args.addFirst(command);
        String env = System.getenv("EAGER4J_DATA");
        if (dataDir == null && env != null && !env.isBlank()) args.addAll(List.of("--data-dir", env));   // the driver's data, for every worker
        Progress progress = new Progress(cl.getErr(), Progress.stderrIsTerminal(), logEvery(defaultLogEvery)).named(command);
        return launcher.run(new SparkLauncher.Job(command, List.copyOf(args), spark, workers, batchSize, steps(defaultSteps),
                checkpointEvery > 0 ? checkpoint : null, verbose, progress.around(cl.getOut()), cl.getErr(), progress));
    }

    /** One process, or this worker's replica of a --spark run, its gradients combined by {@code reduction}. */
    DataParallel parallel(DataParallel.Reduction reduction) {
        Replica r = Replica.current();
        if (r == null) return DataParallel.single();
        return averageEvery != null ? DataParallel.averaging(r.comm, averageEvery) : DataParallel.gradients(r.comm, reduction);
    }

    /** Whether the progress bar may redraw in place: on a terminal, and not in a Spark worker (its lines travel). */
    boolean terminal() {
        return Replica.current() == null && Progress.stderrIsTerminal();
    }

    /** Whether this process reports, saves and writes checkpoints: a lone run, or a --spark run's rank 0. */
    boolean chief() {
        Replica r = Replica.current();
        return r == null || r.comm.rank() == 0;
    }

    /** --resume and --checkpoint-every for a run of {@code model}. */
    Checkpointing checkpoints(String model) {
        if (resume == null && checkpointEvery == 0) return Checkpointing.NONE;
        state = new RunState(model, seed, batchSize, checkpoint, checkpointEvery, resume, chief());
        return state;
    }

    private static void outputFile(CommandLine cl, String flag, Path file) {
        if (file == null) return;
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) throw usage(cl, flag + " " + file + " is a folder; name a file");
        if (dir == null || !Files.isDirectory(dir)) throw usage(cl, flag + " " + file + ": folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw usage(cl, flag + " " + file + ": cannot write in folder " + dir);
    }

    Device device(CommandLine cl) {
        try {
            return Device.parse(device);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw usage(cl, "--device " + device + ": " + e.getMessage());
        }
    }

    Dataset dataset(CommandLine cl) {
        try {
            return Dataset.byName(dataset);
        } catch (IllegalArgumentException e) {
            throw usage(cl, "--dataset: " + e.getMessage());
        }
    }

    /** The dataset with one-hot labels, shuffled by --seed; refuses a batch larger than the training set. */
    DataSets load(CommandLine cl, Dataset ds) {
        var data = ds.read(ReadOptions.defaults().withDir(dataDir).withOneHot(true).withSeed(seed));
        if (batchSize > data.train().numExamples()) {
            throw usage(cl, "--batch-size " + batchSize + " is more than the " + data.train().numExamples() + " training images");
        }
        return data;
    }

    /** What a run reports to: the progress bar, and the recorder too when --metrics or --plot wants it. */
    List<SeedMnist.Listener> listeners(Metrics recorded, Progress progress) {
        List<SeedMnist.Listener> all = new ArrayList<>();
        if (metrics != null || plot != null) all.add(recorded);
        all.add(progress);
        if (Replica.current() != null) all.add(Replica.current().listener);   // the driver hears of every step
        return all;
    }

    /**
     * The end-of-run lines every training command prints (the rate in images/s or steps/s), and the
     * curves when asked for.
     */
    void report(PrintWriter out, double validation, double test, double seconds, int steps, boolean perImage,
                Metrics recorded, String title) throws IOException {
        out.println("validation accuracy = " + validation);
        out.println("test accuracy = " + test);
        int run = steps - (state == null ? 0 : Math.min(steps, state.resumedAt()));   // a resumed run times its own steps
        double perSecond = run == 0 ? 0.0 : (perImage ? (double) run * batchSize : run) / seconds;
        out.printf(Locale.ROOT, "training time = %.2f s (%d steps, %.1f %s)%n", seconds, run, perSecond, perImage ? "images/s" : "steps/s");
        if (!chief()) return;
        if (metrics != null) {
            recorded.writeCsv(metrics);
            out.println("wrote " + metrics);
        }
        if (plot != null) {
            Plot.write(plot, recorded, title);
            out.println("wrote " + plot);
        }
    }

    static ParameterException usage(CommandLine cl, String message) {
        return new ParameterException(cl, message);
    }
}
