package io.eager4j.data;

/**
 * The three splits of a dataset, as TF's {@code read_data_sets} returns them: train (the training
 * file minus its first {@code validationSize} examples), validation (those first examples) and test.
 *
 * <pre>{@code
 * DataSets mnist = Mnist.readDataSets(null, false);
 * System.out.println(mnist.train().numExamples() + " / " + mnist.validation().numExamples()
 *         + " / " + mnist.test().numExamples());   // 55000 / 5000 / 10000
 * }</pre>
 */
public record DataSets(DataSet train, DataSet validation, DataSet test) {}
