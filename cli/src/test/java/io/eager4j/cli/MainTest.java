package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad command lines: one line on stderr starting with "eager4j: ", the right exit status, no stack trace. */
class MainTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of("train-mnist --bogus", "eager4j: unknown option: '--bogus' (see 'eager4j train-mnist --help')"),
                Arguments.of("frobnicate", "eager4j: unmatched argument at index 0: 'frobnicate' (see 'eager4j --help')"),
                Arguments.of("", "eager4j: no command given; use train-mnist, train-cnn or shell (see 'eager4j --help')"),
                Arguments.of("train-mnist --steps x", "eager4j: invalid value for option '--steps': 'x' is not an int (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --steps -1", "eager4j: --steps -1 is negative; use 0 or more (0 only scores the model) (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --batch-size 0", "eager4j: --batch-size 0 must be 1 or more (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --hidden 0", "eager4j: --hidden 0 must be 1 or more (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --keep-prob 0", "eager4j: --keep-prob 0.0 is outside (0, 1]; 1 turns dropout off (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --keep-prob 1.5", "eager4j: --keep-prob 1.5 is outside (0, 1]; 1 turns dropout off (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --keep-prob NaN", "eager4j: --keep-prob NaN is outside (0, 1]; 1 turns dropout off (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --learning-rate -1", "eager4j: --learning-rate -1.0 must be a positive number (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --log-every 0", "eager4j: --log-every 0 must be 1 or more (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --threads 0", "eager4j: --threads 0 must be 1 or more (see 'eager4j train-mnist --help')"),
                Arguments.of("train-cnn --trace --check-numerics", "eager4j: --trace and --check-numerics cannot be combined: checking reads"
                        + " every value on the host, which a replay does not do; drop one of them (see 'eager4j train-cnn --help')"),
                Arguments.of("train-mnist --dataset cifar10", "eager4j: --dataset: unknown dataset 'cifar10'; valid names: mnist, fashion-mnist (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --device tpu", "eager4j: --device tpu: unknown device 'tpu'; use cpu or gpu:N (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --device gpu:0", "eager4j: --device gpu:0: CUDA not available: tried libcuda.so.1, libcuda.so (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --data-dir /no/such/dir", "eager4j: --data-dir /no/such/dir: no such folder; create it (missing files are downloaded into it) or name the folder holding the MNIST files (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --restore /no/such/ckpt", "eager4j: --restore /no/such/ckpt: no such file (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --save /no/such/dir/ckpt", "eager4j: --save /no/such/dir/ckpt: folder /no/such/dir does not exist (see 'eager4j train-mnist --help')"),
                Arguments.of("train-mnist --metrics /tmp", "eager4j: --metrics /tmp is a folder; name a file (see 'eager4j train-mnist --help')"),
                Arguments.of("shell /no/such/script.jsh", "eager4j: shell: no such script /no/such/script.jsh (see 'eager4j shell --help')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsExitWith2AndOneLine(String args, String expected) {
        Cli.Run r = Cli.run(args.isEmpty() ? new String[0] : args.split(" "));
        assertEquals(expected + "\n", r.err());
        assertEquals(Main.USAGE, r.code());
        assertEquals("", r.out());
    }

    @Test
    void corruptCheckpointIsOneLineAndExit1(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("ckpt");
        Files.write(ckpt, "this is not a checkpoint".getBytes());
        Cli.Run r = Cli.run("train-mnist", "--restore", ckpt.toString(), "--data-dir", dir.toString());
        assertEquals("eager4j: " + ckpt + ": header length 2338328219631577204 is over the 100 MB limit: "
                + "not a safetensors file, or a damaged one\n", r.err());
        assertEquals(1, r.code());
    }

    @Test
    void corruptDataIsOneLineAndExit1WithTheStackTraceOnlyWhenVerbose(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
        Cli.Run r = Cli.run("train-mnist", "--data-dir", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("eager4j: "), r.err());
        assertTrue(r.err().contains(dir.resolve("train-images-idx3-ubyte").toString()), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());

        Cli.Run verbose = Cli.run("train-mnist", "--verbose", "--data-dir", dir.toString());
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("\tat io.eager4j.data."), verbose.err());
    }

    @Test
    void sparkWithoutTheSparkModuleSaysWhereItComesFrom() {
        Cli.Run r = Cli.run("train-mnist", "--spark", "local[2]");   // this module's tests have no eager4j-spark
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("eager4j: --spark needs the eager4j-spark module on the class path; bin/eager4j puts it there"), r.err());
        assertTrue(Cli.run("train-cnn", "--average-every", "5").err().contains("--average-every needs --spark MASTER"));
    }

    @Test
    void verboseShowsTheStackTraceOfAUsageError() {
        Cli.Run r = Cli.run("train-mnist", "--verbose", "--keep-prob", "2");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("\tat picocli."), r.err());
        assertTrue(r.err().endsWith("eager4j: --keep-prob 2.0 is outside (0, 1]; 1 turns dropout off (see 'eager4j train-mnist --help')\n"));
    }

    @Test
    void helpListsEveryFlag() {
        Cli.Run r = Cli.run("train-mnist", "--help");
        assertEquals(0, r.code());
        for (String flag : new String[] {"--dataset", "--data-dir", "--steps", "--batch-size", "--hidden", "--keep-prob",
                "--learning-rate", "--seed", "--device", "--threads", "--log-every", "--metrics", "--plot", "--save",
                "--restore", "--check-numerics", "--trace", "--checkpoint-every", "--checkpoint", "--resume", "--spark", "--workers",
                "--average-every", "--verbose"}) {
            assertTrue(r.out().contains(flag), flag);
        }
        assertEquals(0, Cli.run("--help").code());
        assertTrue(Cli.run("--version").out().startsWith("eager4j "));
    }
}
