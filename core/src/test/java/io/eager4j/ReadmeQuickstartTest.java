package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/** Runs the README's quickstart exactly as written, in JShell, so the README cannot drift. */
class ReadmeQuickstartTest {
    /** Runs the ```java block after {@code marker} in the README through JShell; returns what it printed. */
    static String run(String marker) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile(Pattern.quote(marker) + "\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no ```java block after " + marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JShell js = JShell.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .remoteVMOptions("--add-modules", "jdk.incubator.vector").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                js.addToClasspath(entry);
            }
            String rest = m.group(1);
            SourceCodeAnalysis sca = js.sourceCodeAnalysis();
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(rest);
                for (SnippetEvent e : js.eval(ci.source())) {
                    if (e.status() == Snippet.Status.REJECTED || e.exception() != null) {
                        List<String> why = new ArrayList<>();
                        js.diagnostics(e.snippet()).forEach(d -> why.add(d.getMessage(null)));
                        fail("README snippet failed: " + ci.source() + " " + why + " " + e.exception());
                    }
                }
                rest = ci.remaining();
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static List<Double> losses(String out) {
        List<Double> losses = new ArrayList<>();
        Matcher lm = Pattern.compile("loss ([0-9.Ee-]+)").matcher(out);
        while (lm.find()) losses.add(Double.parseDouble(lm.group(1)));
        return losses;
    }

    /** Runs the block after {@code marker}: it must print five losses, the last below the first. */
    static String runFiveFallingLosses(String marker) throws Exception {
        String out = run(marker);
        List<Double> losses = losses(out);
        assertEquals(5, losses.size(), out);
        assertTrue(losses.get(4) < losses.get(0), "the loss after " + marker + " should fall: " + losses);
        return out;
    }

    @Test
    void quickstartRunsAsWrittenAndTheLossFalls() throws Exception {
        runFiveFallingLosses("<!-- quickstart -->");
    }

    @Test
    void layerQuickstartRunsAsWritten() throws Exception {
        String out = runFiveFallingLosses("<!-- layers-quickstart -->");
        assertTrue(out.contains("conv1 (Conv2D)") && out.contains("[conv1.kernel, conv1.bias, dense1.kernel, dense1.bias]"), out);
    }

    @Test
    void parallelQuickstartRunsAsWrittenWithIdenticalReplicas() throws Exception {
        String out = runFiveFallingLosses("<!-- parallel-quickstart -->");
        Matcher m = Pattern.compile("loss (\\S+) \\(replica 1: (\\S+)\\)").matcher(out);
        int lines = 0;
        for (; m.find(); lines++) assertEquals(m.group(1), m.group(2), "both replicas report the global loss: " + out);
        assertEquals(5, lines, out);
    }

    @Test
    void tracedQuickstartRunsAsWrittenTracingOnce() throws Exception {
        assertTrue(runFiveFallingLosses("<!-- traced-quickstart -->").contains("1 trace"));
    }
}
