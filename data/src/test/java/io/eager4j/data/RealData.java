package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the real datasets are for tests. Missing data skips the test with the reason, unless
 * {@code EAGER4J_REQUIRE_DATA=1} (as CI sets it), where it fails.
 */
public final class RealData {
    private RealData() {}

    /** The folder named by {@code variable} (or {@code fallback} if unset), holding {@code dataset}'s files. */
    public static Path folder(Dataset dataset, String variable, String fallback) {
        String value = System.getenv(variable);
        String chosen = value != null && !value.isBlank() ? value : fallback;
        String reason;
        Path named = chosen == null ? null : Path.of(chosen);
        // a folder of datasets works too, as the loader reads $EAGER4J_DATA/<dataset>
        Path folder = named != null && Files.isDirectory(named.resolve(dataset.name())) ? named.resolve(dataset.name()) : named;
        if (folder == null) {
            reason = variable + " is not set";
        } else {
            List<String> missing = dataset.files().stream()
                    .filter(f -> !Files.isRegularFile(folder.resolve(f.name()))
                            && !Files.isRegularFile(folder.resolve(f.gzName())))
                    .map(DataFile::gzName).toList();
            reason = missing.isEmpty() ? null : folder + " (from " + variable + ") lacks " + missing;
        }
        if (reason != null) {
            String why = "real " + dataset.title() + " data unavailable: " + reason + "; set " + variable
                    + " to a folder holding the four files";
            if ("1".equals(System.getenv("EAGER4J_REQUIRE_DATA"))) {
                fail(why + " (EAGER4J_REQUIRE_DATA=1 makes this a failure)");
            }
            assumeTrue(false, why);
        }
        return folder;
    }

    static int[] classCounts(int[] classes, int numClasses) {
        int[] counts = new int[numClasses];
        for (int c : classes) {
            counts[c]++;
        }
        return counts;
    }

    static int[] sum(int[] a, int[] b) {
        int[] s = a.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += b[i];
        }
        return s;
    }
}
