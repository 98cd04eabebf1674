/**
 * Whole programs to read and copy. {@link io.eager4j.examples.SeedMnist} is TensorFlow 1.4's eager
 * MNIST example in Java.
 */
package io.eager4j.examples;
