package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
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

/** The README's custom-kernel example, as written, in JShell on gpu:0 (the emulated device in CI). */
class ReadmeKernelTest {
    @Test
    void kernelQuickstartRunsOnTheGpuAndItsGradientChecks() throws Exception {
        GpuSupport.device();   // skips (or fails, with EAGER4J_REQUIRE_GPU=1) where gpu:0 cannot open
        assumeTrue(ModuleLayer.boot().findModule("jdk.jshell").isPresent(),
                "this runtime has no jdk.jshell (the GPU bundle's jlinked one); the README block needs JShell");
        // from the module folder under Maven, from the repository root in scripts/gpu-check.sh
        Path file = Files.isRegularFile(Path.of("..", "README.md")) ? Path.of("..", "README.md") : Path.of("README.md");
        String readme = Files.readString(file);
        Matcher m = Pattern.compile("<!-- kernel-quickstart -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no ```java block after <!-- kernel-quickstart -->");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JShell js = JShell.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .remoteVMOptions("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) js.addToClasspath(entry);
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
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(" on gpu:0"), printed);
        assertTrue(printed.contains("gradients match"), printed);
    }
}
