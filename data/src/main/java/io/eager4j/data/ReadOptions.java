package io.eager4j.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How to read a dataset. Where the files come from:
 * <ol>
 *   <li>{@code dir} if given, alone: missing files are downloaded into it;</li>
 *   <li>else {@code $EAGER4J_DATA}: its sub-folder named after the dataset ({@code mnist},
 *       {@code fashion-mnist}) if there is one, else the folder itself;</li>
 *   <li>else the user cache: {@code $XDG_CACHE_HOME/eager4j/<dataset>}, or
 *       {@code $HOME/.cache/eager4j/<dataset>} (under Java's user.home when HOME is unset).</li>
 * </ol>
 * A folder may hold each file raw or gzipped. Every file is checked against the dataset's SHA-256
 * as it is read; downloads are verified before they are moved into place.
 *
 * <pre>{@code
 * ReadOptions o = ReadOptions.defaults().withDir(Path.of("data/mnist")).withOneHot(true).withSeed(42);
 * DataSets mnist = Dataset.MNIST.read(o);
 * }</pre>
 *
 * @param dir folder holding (or to receive) the files, or null for the default search above
 * @param oneHot labels as float32 one-hot rows {@code [n, classes]} instead of int32 {@code [n]}
 * @param validationSize how many of the first training examples form the validation set (TF: 5000)
 * @param seed seeds the shuffling of each set, so the same seed gives the same batches
 * @param mirrors base URLs to download from instead of the dataset's, or null for the dataset's;
 *     an empty list never downloads
 */
public record ReadOptions(Path dir, boolean oneHot, int validationSize, long seed, List<URI> mirrors) {
    /** TensorFlow's {@code read_data_sets} default. */
    public static final int DEFAULT_VALIDATION_SIZE = 5000;

    public ReadOptions {
        if (validationSize < 0) {
            throw new IllegalArgumentException("ReadOptions: validationSize " + validationSize
                    + " must be 0 or more");
        }
        mirrors = mirrors == null ? null : Dataset.withSlashes(List.copyOf(mirrors));
    }

    /** Default folder search, integer labels, 5000 validation examples, seed 0, the dataset's mirrors. */
    public static ReadOptions defaults() {
        return new ReadOptions(null, false, DEFAULT_VALIDATION_SIZE, 0L, null);
    }

    public ReadOptions withDir(Path newDir) {
        return new ReadOptions(newDir, oneHot, validationSize, seed, mirrors);
    }

    public ReadOptions withOneHot(boolean newOneHot) {
        return new ReadOptions(dir, newOneHot, validationSize, seed, mirrors);
    }

    public ReadOptions withValidationSize(int newValidationSize) {
        return new ReadOptions(dir, oneHot, newValidationSize, seed, mirrors);
    }

    public ReadOptions withSeed(long newSeed) {
        return new ReadOptions(dir, oneHot, validationSize, newSeed, mirrors);
    }

    public ReadOptions withMirrors(List<URI> newMirrors) {
        return new ReadOptions(dir, oneHot, validationSize, seed, newMirrors);
    }
}
