package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --checkpoint-every and --resume: a run stopped and resumed ends with the uninterrupted run's bits. */
class ResumeTest {
    static Map<String, float[]> tensors(Path file) throws Exception {
        Map<String, float[]> out = new TreeMap<>();
        SafeTensors.read(file).tensors().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    static void assertSameBits(Path expected, Path actual) throws Exception {
        Map<String, float[]> a = tensors(expected), b = tensors(actual);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k);
    }

    static Cli.Run ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void theSeedResumedEndsAsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path ckpt = tmp.resolve("ckpt"), whole = tmp.resolve("whole"), resumed = tmp.resolve("resumed"), traced = tmp.resolve("traced");
        ok("train-mnist", "--steps", "120", "--data-dir", data, "--save", whole.toString());
        // stopped at 70 steps, its last checkpoint at 60: the resumed run redoes 60..69 and goes on
        ok("train-mnist", "--steps", "70", "--data-dir", data, "--checkpoint-every", "30", "--checkpoint", ckpt.toString());
        assertEquals("60", SafeTensors.read(ckpt).metadata().get("run.steps-done"));
        Cli.Run r = ok("train-mnist", "--steps", "120", "--data-dir", data, "--resume", ckpt.toString(), "--save", resumed.toString(),
                "--log-every", "25");
        assertTrue(r.out().startsWith("step: 75\n"), "the resumed run logs from where it goes on: " + r.out());
        assertTrue(r.out().contains("(60 steps, "), "its rate counts the steps it ran: " + r.out());
        assertSameBits(whole, resumed);
        ok("train-mnist", "--steps", "120", "--data-dir", data, "--resume", ckpt.toString(), "--save", traced.toString(), "--trace");
        assertSameBits(whole, traced);
    }

    @Test
    void theCnnResumedEndsAsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path ckpt = tmp.resolve("ckpt"), whole = tmp.resolve("whole"), resumed = tmp.resolve("resumed");
        String[] common = {"--data-dir", data, "--batch-size", "8"};
        ok(concat(new String[] {"train-cnn", "--steps", "5", "--save", whole.toString()}, common));
        ok(concat(new String[] {"train-cnn", "--steps", "3", "--checkpoint-every", "2", "--checkpoint", ckpt.toString()}, common));
        ok(concat(new String[] {"train-cnn", "--steps", "5", "--resume", ckpt.toString(), "--save", resumed.toString()}, common));
        assertSameBits(whole, resumed);
        assertTrue(tensors(ckpt).keySet().stream().anyMatch(k -> k.startsWith("optimizer/")), "Adam's slots are part of the state");
    }

    @Test
    void aStateThatDoesNotFitTheRunIsRefusedWithTheReason(@TempDir Path tmp) throws Exception {
        String data = Cli.mnist().toString();
        Path ckpt = tmp.resolve("ckpt"), saved = tmp.resolve("saved");
        ok("train-mnist", "--steps", "2", "--data-dir", data, "--checkpoint-every", "1", "--checkpoint", ckpt.toString(), "--save", saved.toString());
        assertRefused("was saved by --seed 0; resume it with the flags it was started with (this run has seed 1)",
                "train-mnist", "--data-dir", data, "--resume", ckpt.toString(), "--seed", "1");
        assertRefused("holds no run state (it was written by --save, not --checkpoint-every); use --restore",
                "train-mnist", "--data-dir", data, "--resume", saved.toString());
        assertRefused("--resume and --restore cannot be combined", "train-mnist", "--resume", ckpt.toString(), "--restore", saved.toString());
        assertRefused("--resume " + tmp.resolve("nope") + ": no such file", "train-mnist", "--resume", tmp.resolve("nope").toString());
        assertRefused("was saved by a seed-mnist run", "train-cnn", "--data-dir", data, "--resume", ckpt.toString());
        assertRefused("--checkpoint-every -1 is negative", "train-mnist", "--checkpoint-every", "-1");
    }

    private static void assertRefused(String expected, String... args) {
        Cli.Run r = Cli.run(args);
        assertTrue(r.code() != 0, String.join(" ", args));
        assertTrue(r.err().contains(expected), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
