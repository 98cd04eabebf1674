package io.eager4j.data;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Describes an MNIST-format dataset: its four IDX files with the SHA-256 of their uncompressed
 * content, the number of classes, and the mirrors to download from (tried in order). {@link #MNIST}
 * and {@link #FASHION_MNIST} are built in; another dataset in the same format (KMNIST, say) is one
 * constructor call.
 *
 * <pre>{@code
 * DataSets data = Dataset.byName("fashion-mnist").read(ReadOptions.defaults().withOneHot(true));
 * Batch batch = data.train().nextBatch(100);
 * }</pre>
 *
 * @param name short lowercase name, used on the command line and as the cache sub-folder
 * @param title name for messages ("Fashion-MNIST")
 * @param mirrors base URLs holding {@code <file>.gz}; a missing trailing slash is added
 */
public record Dataset(String name, String title, int numClasses, List<URI> mirrors,
                      DataFile trainImages, DataFile trainLabels, DataFile testImages, DataFile testLabels) {

    /** MNIST handwritten digits (LeCun, Cortes, Burges): 60,000 training and 10,000 test images. */
    public static final Dataset MNIST = new Dataset("mnist", "MNIST", 10,
            List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                    URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/")),
            new DataFile("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new DataFile("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new DataFile("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new DataFile("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    /** Fashion-MNIST (Zalando Research): same format and sizes as MNIST, ten kinds of clothing. */
    public static final Dataset FASHION_MNIST = new Dataset("fashion-mnist", "Fashion-MNIST", 10,
            List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
            new DataFile("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new DataFile("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new DataFile("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new DataFile("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

    public Dataset {
        Objects.requireNonNull(title, "title");
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("Dataset: name '" + name
                    + "' must be lowercase letters, digits, '.', '_' or '-' (it names a cache folder)");
        }
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("Dataset " + name + ": numClasses " + numClasses
                    + " must be in 1..256 (labels are bytes)");
        }
        mirrors = withSlashes(Objects.requireNonNull(mirrors, "mirrors"));
        Objects.requireNonNull(trainImages, "trainImages");
        Objects.requireNonNull(trainLabels, "trainLabels");
        Objects.requireNonNull(testImages, "testImages");
        Objects.requireNonNull(testLabels, "testLabels");
    }

    /** The built-in datasets. */
    public static List<Dataset> builtIn() {
        return List.of(MNIST, FASHION_MNIST);
    }

    /**
     * The built-in dataset called {@code name} ("mnist", "fashion-mnist"; case and '_' for '-' are
     * forgiven).
     *
     * @throws IllegalArgumentException naming the valid names if there is none
     */
    public static Dataset byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Dataset d : builtIn()) {
            if (d.name.equals(key)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "'; valid names: "
                + builtIn().stream().map(Dataset::name).collect(Collectors.joining(", ")));
    }

    /**
     * Reads (downloading what is missing) the train, validation and test sets; see
     * {@link ReadOptions} for where files come from.
     *
     * @throws DataFileException if a file is damaged, inconsistent or has the wrong checksum
     * @throws java.io.UncheckedIOException if a file is missing and no mirror could provide it
     */
    public DataSets read(ReadOptions options) {
        return new Loader(System::getenv, Downloader.standard()).read(this, options);
    }

    /** The four files, in the order train images, train labels, test images, test labels. */
    public List<DataFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** "MNIST's train-images-idx3-ubyte" if a built-in file has this uncompressed SHA-256, else null. */
    static String describeFile(String sha256) {
        for (Dataset d : builtIn()) {
            for (DataFile f : d.files()) {
                if (f.sha256().equalsIgnoreCase(sha256)) {
                    return d.title + "'s " + f.name();
                }
            }
        }
        return null;
    }

    static List<URI> withSlashes(List<URI> mirrors) {
        return mirrors.stream()
                .map(u -> u.getPath() != null && u.getPath().endsWith("/") ? u : URI.create(u + "/"))
                .toList();
    }
}
