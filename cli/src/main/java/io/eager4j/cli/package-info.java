/**
 * The {@code eager4j} command ({@code bin/eager4j}): {@code train-mnist} runs the seed program
 * ({@link io.eager4j.examples.SeedMnist}), {@code shell} opens JShell with eager4j imported.
 * Not API: use {@link io.eager4j.cli.Main#run} to call it from Java.
 */
package io.eager4j.cli;
