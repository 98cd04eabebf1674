/**
 * Datasets for training: MNIST and Fashion-MNIST, read from verified IDX files (raw or gzip),
 * downloaded from mirrors when missing, split and batched like TensorFlow 1.x's
 * {@code read_data_sets}.
 *
 * <pre>{@code
 * DataSets mnist = Mnist.readDataSets(null, true);
 * Batch batch = mnist.train().nextBatch(128);
 * Tensor x = batch.images();   // float32 [128, 784] in [0, 1]
 * Tensor y = batch.labels();   // float32 [128, 10] one-hot
 * }</pre>
 *
 * <p>Bad files are {@link io.eager4j.data.DataFileException}s (an {@link IllegalArgumentException})
 * that name the file and say what to do; files that are missing and cannot be downloaded are
 * {@link java.io.UncheckedIOException}s.
 */
package io.eager4j.data;
