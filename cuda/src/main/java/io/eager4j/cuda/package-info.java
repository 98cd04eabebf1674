/**
 * The CUDA backend: driver API, cuBLAS and NVRTC through FFM downcalls, found by
 * {@link java.util.ServiceLoader} as the provider of {@code gpu:N} devices. Not API: users pick a
 * device with {@code Device.gpu(0)} and never import anything from here.
 */
package io.eager4j.cuda;
