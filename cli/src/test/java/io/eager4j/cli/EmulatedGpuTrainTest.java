package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train-mnist --device gpu:0} on the emulated CUDA device ({@code EAGER4J_CUDA=emulated}, in
 * a JVM of its own: this one keeps gpu:0 unavailable for MainTest) reaches the CPU run's test
 * accuracy from the same seed: the same dropout masks, float32 rounding apart.
 */
class EmulatedGpuTrainTest {
    @Test
    void seedOnTheEmulatedGpuMatchesTheCpu(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        String[] args = {"train-mnist", "--steps", "60", "--log-every", "1000", "--seed", "3", "--data-dir", data};
        Cli.Run cpu = Cli.run(args);
        assertEquals(0, cpu.code(), cpu.err());

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Deager4j.warmup=false",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--device", "gpu:0"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("EAGER4J_CUDA", "emulated");
        pb.environment().remove("EAGER4J_QUIET");
        Path stderr = tmp.resolve("stderr");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the emulated run did not finish");
        String log = Files.readString(stderr);
        assertEquals(0, p.exitValue(), out + log);
        assertTrue(log.contains("eager4j: gpu:0 = emulated CUDA device (no GPU; kernels run on the CPU)"), log);

        double onCpu = accuracy(cpu.out()), onGpu = accuracy(out);
        assertTrue(Math.abs(onCpu - onGpu) <= 0.002, "test accuracy: cpu " + onCpu + ", emulated gpu " + onGpu);
        assertTrue(onGpu > 0.8, "it learned: " + onGpu);
    }

    static double accuracy(String out) {
        return out.lines().filter(l -> l.startsWith("test accuracy = ")).mapToDouble(l -> Double.parseDouble(l.substring(16).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no test accuracy line in:\n" + out));
    }
}
