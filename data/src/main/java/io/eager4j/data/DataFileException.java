package io.eager4j.data;

import java.io.Serial;

/**
 * A data file that cannot be used: not IDX, truncated, inconsistent with its header, labels out of
 * range, or a SHA-256 that differs from the dataset's. The message names the file and says what to do
 * (usually: delete it and run again, which downloads a fresh copy).
 *
 * <p>This is the only exception the IDX reader throws for bad content, whatever the bytes; I/O
 * failures (a file that cannot be opened) are {@link java.io.UncheckedIOException}.
 *
 * <pre>{@code
 * try {
 *     Idx.readLabels(Path.of("train-labels-idx1-ubyte.gz"), 10, null);
 * } catch (DataFileException e) {
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public final class DataFileException extends IllegalArgumentException {
    @Serial private static final long serialVersionUID = 1L;

    public DataFileException(String message) {
        super(message);
    }

    public DataFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
