package io.eager4j.io;

import java.io.IOException;
import java.io.Serial;

/**
 * A file that is not a valid safetensors file (or holds something eager4j cannot load). The message
 * starts with the file's name and says what is wrong.
 * <pre>{@code
 * try {
 *     SafeTensors.read(Path.of("model.safetensors"));
 * } catch (SafeTensorsException e) {
 *     System.err.println(e.getMessage());   // model.safetensors: truncated: ...
 * }
 * }</pre>
 */
public final class SafeTensorsException extends IOException {
    @Serial private static final long serialVersionUID = 1L;

    public SafeTensorsException(String file, String problem) {
        super(file + ": " + problem);
    }
}
