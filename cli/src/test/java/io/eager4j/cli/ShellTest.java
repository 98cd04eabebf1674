package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ShellTest {
    @Test
    void runsAScriptWithEager4jImported(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.jsh");
        Files.writeString(script, """
                Tensor x = Tensor.ones(2, 2);
                System.out.println("sum=" + x.matmul(x).sum().item());
                System.out.println("relu=" + NN.softmax(Tensor.zeros(1, 4), 1).max().item());
                System.out.println("adam=" + new Adam(1e-3).steps());
                /exit
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Shell shell = new Shell();
        shell.in = new ByteArrayInputStream(new byte[0]);
        shell.out = new PrintStream(bytes, true);
        shell.err = shell.out;
        int code = new CommandLine(shell).execute(script.toString());
        String out = bytes.toString();
        assertEquals(0, code, out);
        assertTrue(out.contains("sum=8.0"), out);
        assertTrue(out.contains("relu=0.25"), out);
        assertTrue(out.contains("adam=0"), out);
    }
}
