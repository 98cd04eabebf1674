package io.eager4j.cli;

import io.eager4j.Device;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.examples.MnistCnn;
import io.eager4j.io.Checkpoints;
import io.eager4j.parallel.DataParallel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code eager4j train-cnn}: runs {@link MnistCnn} (TF's "Deep MNIST for Experts" network) with the
 * shared training flags, and prints the same lines as {@code train-mnist}, with images/s.
 * <pre>{@code
 * bin/eager4j train-cnn --steps 2000 --seed 1 --save cnn.safetensors
 * bin/eager4j train-cnn --restore cnn.safetensors --steps 0       # score a saved model
 * }</pre>
 */
@Command(name = "train-cnn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains TF's Deep-MNIST convolutional network (two conv + pool, dense 1024, dropout, Adam) on MNIST or Fashion-MNIST.")
final class TrainCnn implements Callable<Integer> {
    static final int STEPS = 2000, LOG_EVERY = 100;

    @Spec
    CommandSpec spec;
    @Mixin
    TrainingFlags flags;

    @Override
    public Integer call() throws Exception {
        var cl = spec.commandLine();
        flags.validate(cl, STEPS, LOG_EVERY);
        Device dev = flags.device(cl);
        Dataset ds = flags.dataset(cl);
        if (flags.launchesSpark()) return flags.launchSpark(cl, "train-cnn", STEPS, LOG_EVERY);
        DataSets data = flags.load(cl, ds);

        int steps = flags.steps(STEPS), logEvery = flags.logEvery(LOG_EVERY);
        Metrics recorded = new Metrics();
        Progress progress = new Progress(cl.getErr(), flags.terminal(), logEvery).named("train-cnn");
        PrintWriter out = progress.around(cl.getOut());
        var config = new MnistCnn.Config(steps, flags.batchSize, flags.learningRate, flags.seed, dev, logEvery, flags.checkNumerics, flags.trace,
                flags.parallel(DataParallel.Reduction.MEAN), flags.checkpoints("mnist-cnn"), out,
                flags.listeners(recorded, progress), model -> {
                    if (flags.restore == null) return;
                    try {
                        Checkpoints.restore(flags.restore, model);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--restore " + e.getMessage(), e);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        MnistCnn.Result r = MnistCnn.train(data, config);

        flags.report(out, r.validationAccuracy(), r.testAccuracy(), r.trainSeconds(), steps, true, recorded,
                ds.title() + ", Deep-MNIST CNN");
        if (flags.save != null && flags.chief()) {
            Checkpoints.save(flags.save, r.model());
            out.println("saved " + flags.save);
        }
        out.flush();
        return 0;
    }
}
