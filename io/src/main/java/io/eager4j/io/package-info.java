/**
 * Files: safetensors checkpoints ({@link io.eager4j.io.SafeTensors}) and all-or-nothing writes
 * ({@link io.eager4j.io.AtomicFile}).
 * <pre>{@code
 * SafeTensors.write(Path.of("model.safetensors"), Map.of("W0", w0), Map.of());
 * Tensor w0 = SafeTensors.read(Path.of("model.safetensors")).tensors().get("W0");
 * }</pre>
 */
package io.eager4j.io;
