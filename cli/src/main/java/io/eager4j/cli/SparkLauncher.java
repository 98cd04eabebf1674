package io.eager4j.cli;

import io.eager4j.examples.SeedMnist;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * How {@code --spark} reaches the eager4j-spark module: found with {@link ServiceLoader} when that
 * module is on the class path (bin/eager4j puts it there), so the CLI itself has no Spark dependency.
 */
public interface SparkLauncher {
    /**
     * A training command to run on Spark: {@code args} is the whole command line (the command's name
     * first); {@code workers} is null for the master's slots; {@code globalBatch} must split evenly;
     * {@code checkpoint} is where --checkpoint-every writes, or null; {@code progress} hears of worker
     * 0's steps (the progress bar).
     */
    record Job(String command, List<String> args, String master, Integer workers, int globalBatch, int steps,
               Path checkpoint, boolean verbose, PrintWriter out, PrintWriter err, SeedMnist.Listener progress) {}

    /** Runs the job's workers as one barrier stage and returns the command's exit status. */
    int run(Job job) throws Exception;

    /** The launcher on the class path, or null. */
    static SparkLauncher find() {
        return ServiceLoader.load(SparkLauncher.class).findFirst().orElse(null);
    }
}
