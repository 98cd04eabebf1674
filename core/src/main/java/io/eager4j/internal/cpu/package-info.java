/**
 * CPU compute kernels (GEMM and friends). Internal: not API, may change in any release.
 *
 * <p>Users never import this package; tensors and backends call {@link io.eager4j.internal.cpu.Gemms#get()}.
 * Three interchangeable GEMMs live here: {@code ReferenceGemm} (plain loops, the living definition),
 * {@code VectorGemm} (Java Vector API) and {@code OpenBlasGemm} (OpenBLAS through an FFM downcall).
 */
package io.eager4j.internal.cpu;
