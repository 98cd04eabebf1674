package io.eager4j.data;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One file of a dataset: its uncompressed name ({@code train-images-idx3-ubyte}) and the SHA-256 of
 * its uncompressed content. A folder may hold it as {@code name} or {@code name.gz}; mirrors serve
 * {@code name.gz}. The checksum is of the uncompressed bytes because re-packagers (Debian) re-gzip
 * the files: other .gz bytes, same content.
 *
 * <pre>{@code
 * DataFile f = new DataFile("t10k-labels-idx1-ubyte",
 *         "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
 * }</pre>
 */
public record DataFile(String name, String sha256) {
    public DataFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.endsWith(".gz")) {
            throw new IllegalArgumentException("DataFile: name '" + name
                    + "' must be a plain uncompressed file name (no folder, no .gz)");
        }
        if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("DataFile " + name + ": sha256 '" + sha256
                    + "' is not 64 hex digits");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    /** The compressed name that mirrors serve. */
    public String gzName() {
        return name + ".gz";
    }
}
