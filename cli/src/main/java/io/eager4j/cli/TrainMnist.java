package io.eager4j.cli;

import io.eager4j.Device;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.examples.SeedMnist;
import io.eager4j.io.SafeTensors;
import io.eager4j.parallel.DataParallel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    static final int STEPS = 3000, LOG_EVERY = 500;

    @Spec
    CommandSpec spec;
    @Mixin
    TrainingFlags flags;
    @Option(names = "--hidden", paramLabel = "N", defaultValue = "150", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--keep-prob", paramLabel = "P", defaultValue = "0.75", description = "Dropout keep probability in (0, 1] (default: ${DEFAULT-VALUE}).")
    double keepProb;

    @Override
    public Integer call() throws Exception {
        var cl = spec.commandLine();
        flags.validate(cl, STEPS, LOG_EVERY);
        if (hidden < 1) throw TrainingFlags.usage(cl, "--hidden " + hidden + " must be 1 or more");
        if (!(keepProb > 0 && keepProb <= 1)) throw TrainingFlags.usage(cl, "--keep-prob " + keepProb + " is outside (0, 1]; 1 turns dropout off");
        Device dev = flags.device(cl);
        Dataset ds = flags.dataset(cl);
        if (flags.launchesSpark()) return flags.launchSpark(cl, "train-mnist", STEPS, LOG_EVERY);
        SafeTensors.Contents restored = flags.restore == null ? null : SafeTensors.read(flags.restore);   // fail before the data loads
        DataSets data = flags.load(cl, ds);

        int steps = flags.steps(STEPS), logEvery = flags.logEvery(LOG_EVERY);
        Metrics recorded = new Metrics();
        Progress progress = new Progress(cl.getErr(), flags.terminal(), logEvery);
        PrintWriter out = progress.around(cl.getOut());
        var config = new SeedMnist.Config(steps, flags.batchSize, hidden, keepProb, flags.learningRate, flags.seed, dev, logEvery,
                flags.checkNumerics, flags.trace, flags.parallel(DataParallel.Reduction.SUM), flags.checkpoints("seed-mnist"),
                out, flags.listeners(recorded, progress),
                vars -> { if (restored != null) Checkpoint.restore(restored, flags.restore, vars); });
        SeedMnist.Result r = SeedMnist.train(data, config);

        flags.report(out, r.validationAccuracy(), r.testAccuracy(), r.trainSeconds(), steps, false, recorded,
                ds.title() + ", seed MLP " + hidden + " hidden units");
        if (flags.save != null && flags.chief()) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", "seed-mnist");
            meta.put("dataset", ds.name());
            meta.put("hidden", Integer.toString(hidden));
            Checkpoint.save(flags.save, r.variables(), meta);
            out.println("saved " + flags.save);
        }
        out.flush();
        return 0;
    }
}
