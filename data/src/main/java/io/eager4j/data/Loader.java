package io.eager4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Finds (or downloads) a dataset's four files, checks they agree, and splits them like TF. */
final class Loader {
    private final Function<String, String> env;
    private final Downloader downloader;

    /** {@code env} looks up environment variables (a map in tests, {@code System::getenv} otherwise). */
    Loader(Function<String, String> env, Downloader downloader) {
        this.env = env;
        this.downloader = downloader;
    }

    DataSets read(Dataset dataset, ReadOptions options) {
        Path folder = folder(dataset, options.dir());
        List<URI> mirrors = options.mirrors() != null ? options.mirrors() : dataset.mirrors();
        int classes = dataset.numClasses();
        var trainImages = load(dataset, folder, mirrors, dataset.trainImages(),
                (in, size, name) -> Idx.readImages(in, size, name, dataset.trainImages().sha256()));
        var trainLabels = load(dataset, folder, mirrors, dataset.trainLabels(),
                (in, size, name) -> Idx.readLabels(in, size, name, classes, dataset.trainLabels().sha256()));
        var testImages = load(dataset, folder, mirrors, dataset.testImages(),
                (in, size, name) -> Idx.readImages(in, size, name, dataset.testImages().sha256()));
        var testLabels = load(dataset, folder, mirrors, dataset.testLabels(),
                (in, size, name) -> Idx.readLabels(in, size, name, classes, dataset.testLabels().sha256()));
        checkPair(trainImages, trainLabels);
        checkPair(testImages, testLabels);
        Idx.Images train = DataSet.centre(trainImages.value());   // once: train and validation share it
        Idx.Images test = DataSet.centre(testImages.value());
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new DataFileException(trainImages.path() + " holds " + train.rows() + "x" + train.cols()
                    + " images but " + testImages.path() + " holds " + test.rows() + "x" + test.cols()
                    + "; both must have the same size. Replace the odd one with the right file.");
        }
        int validation = options.validationSize();
        if (validation > train.count()) {
            throw new IllegalArgumentException("validation size " + validation + " is larger than the "
                    + train.count() + " training examples of " + dataset.title() + "; use 0.." + train.count());
        }
        // one independent generator per set, all from the user's seed: same seed, same batches
        SplittableRandom root = new SplittableRandom(options.seed());
        byte[] trainY = trainLabels.value();
        return new DataSets(
                new DataSet("train", train, trainY, validation, train.count() - validation,
                        classes, options.oneHot(), root.split()),
                new DataSet("validation", train, trainY, 0, validation, classes, options.oneHot(), root.split()),
                new DataSet("test", test, testLabels.value(), 0, test.count(), classes, options.oneHot(),
                        root.split()));
    }

    /** The folder the files are read from (and downloaded into); see {@link ReadOptions}. */
    Path folder(Dataset dataset, Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String data = env.apply("EAGER4J_DATA");
        if (data != null && !data.isBlank()) {
            Path root = Path.of(data);
            Path sub = root.resolve(dataset.name());
            return Files.isDirectory(sub) ? sub : root;
        }
        return io.eager4j.internal.CacheDir.root(env).resolve(dataset.name());
    }

    private <T> Downloader.Loaded<T> load(Dataset dataset, Path folder, List<URI> mirrors, DataFile file,
                                          Downloader.Reader<T> reader) {
        // raw first: it reads faster than gzip
        for (String name : List.of(file.name(), file.gzName())) {
            Path path = folder.resolve(name);
            if (Files.isRegularFile(path)) {
                try (InputStream in = Files.newInputStream(path)) {
                    return new Downloader.Loaded<>(path, reader.read(in, Files.size(path), path.toString()));
                } catch (NoSuchFileException e) {
                    continue; // removed since we looked: treat as missing
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path + ": " + Downloader.describe(e), e);
                }
            }
        }
        return downloader.fetch(dataset.title(), file, folder, mirrors, reader);
    }

    private static void checkPair(Downloader.Loaded<Idx.Images> images, Downloader.Loaded<byte[]> labels) {
        int n = images.value().count();
        int m = labels.value().length;
        if (n != m) {
            throw new DataFileException(images.path() + " holds " + n + " images but " + labels.path()
                    + " holds " + m + " labels; they must match one to one. One of them is not the right file:"
                    + " delete both and run again to download fresh copies.");
        }
    }
}
