package io.eager4j.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code eager4j shell}: JShell with eager4j on the class path and its packages imported. JShell runs
 * in this JVM (the JDK's {@code jdk.jshell} tool API) and evaluates snippets in a second JVM that
 * gets the same class path and the JVM flags eager4j needs.
 * <pre>{@code
 * bin/eager4j shell
 * jshell> Tensor.ones(2, 2).matmul(Tensor.ones(2, 2))
 * bin/eager4j shell experiment.jsh      # runs the script, then stays interactive unless it says /exit
 * }</pre>
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "JShell with eager4j on the class path; io.eager4j, .nn, .optim and .data are imported.")
final class Shell implements Callable<Integer> {
    static final String IMPORTS = """
            import io.eager4j.*;
            import io.eager4j.nn.*;
            import io.eager4j.optim.*;
            import io.eager4j.data.*;
            """;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SCRIPT", description = "A .jsh file to run first.")
    Path script;

    @picocli.CommandLine.Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    // JShell talks to streams, not writers; tests replace these
    InputStream in = System.in;
    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (script != null && !Files.isRegularFile(script)) {
            throw new ParameterException(spec.commandLine(), "shell: no such script " + script);
        }
        Path startup = Files.createTempFile("eager4j-imports", ".jsh");
        try {
            Files.writeString(startup, IMPORTS, StandardCharsets.UTF_8);
            return JavaShellToolBuilder.builder()
                    .in(in, null)
                    .out(out)
                    .err(err)
                    .start(arguments(startup).toArray(new String[0]));
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    List<String> arguments(Path startup) {
        List<String> a = new ArrayList<>(List.of(
                "--class-path", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector",
                // the JVM that runs the snippets needs what bin/eager4j gives ours
                "-R--add-modules", "-Rjdk.incubator.vector",
                "-R--enable-native-access=ALL-UNNAMED",
                "-R-Xss4m",
                "--startup", "DEFAULT",
                "--startup", startup.toString()));
        if (script != null) {
            a.add(script.toString());
        }
        return a;
    }
}
