package io.eager4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code eager4j} command. Every failure is one line on standard error starting with
 * {@code eager4j: } (a stack trace too with {@code --verbose}); usage errors exit with 2, other
 * failures with 1.
 * <pre>{@code
 * bin/eager4j train-mnist --steps 1000 --plot loss.png
 * bin/eager4j shell
 * }</pre>
 */
@Command(name = "eager4j", mixinStandardHelpOptions = true, version = "eager4j 0.1.0",
        description = "Eager-execution deep learning for Java.",
        subcommands = {TrainMnist.class, TrainCnn.class, Shell.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status of a bad command line (unknown flag, value out of range, missing file). */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no command given; use train-mnist, train-cnn or shell");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");   // --plot draws without a display
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command in this JVM and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            if (verbose(args)) ex.printStackTrace(e);
            String help = ex.getCommandLine().getCommandSpec().qualifiedName() + " --help";
            e.println("eager4j: " + oneLine(lowerFirst(ex.getMessage())) + " (see '" + help + "')");
            e.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter e = c.getErr();
            if (verbose(parsed.originalArgs().toArray(new String[0]))) ex.printStackTrace(e);
            e.println("eager4j: " + describe(ex));
            e.flush();
            return 1;
        });
        return cl;
    }

    private static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose");
    }

    /** What went wrong, in one line, without Java class names where the message says enough. */
    static String describe(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            t = u.getCause();
        }
        if (t instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file" + (f.getReason() != null && !f.getReason().equals("no such file")
                    ? " (" + f.getReason() + ")" : "");
        }
        if (t instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (t instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory; give Java more with JAVA_TOOL_OPTIONS=-Xmx8g or use a smaller --batch-size";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName() + " (run with --verbose for the stack trace)";
        }
        return oneLine(t instanceof IOException || t instanceof RuntimeException ? m : t.getClass().getSimpleName() + ": " + m);
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static String lowerFirst(String s) {
        // picocli says "Unknown option: '--x'"; our own messages start lowercase
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
