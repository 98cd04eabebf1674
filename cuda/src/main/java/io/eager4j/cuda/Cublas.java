package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS GEMMs for row-major matrices. cuBLAS is column-major, and a row-major [m,n] matrix is
 * its column-major transpose, so C = A·B is computed as Cᵀ = Bᵀ·Aᵀ: swap the operands, swap m
 * and n, keep each operand's transpose flag. A holder, loaded on the first matmul.
 */
final class Cublas {
    private Cublas() {}

    static final NativeLib LIB = NativeLib.cuda("libcublas.so.13", "libcublas.so.12");

    private static final int OP_N = 0, OP_T = 1;

    private static final MethodHandle cublasCreate = LIB.find("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle cublasSetStream = LIB.find("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle cublasSgemm = LIB.find("cublasSgemm_v2", gemm(false));
    private static final MethodHandle cublasDgemm = LIB.find("cublasDgemm_v2", gemm(false));
    private static final MethodHandle cublasSgemmStridedBatched = LIB.find("cublasSgemmStridedBatched", gemm(true));

    static final String UNAVAILABLE = LIB.problem("cuBLAS");

    // Pointer mode host: alpha and beta are read at call time, so two shared constants serve every call.
    private static final MemorySegment ONE_F = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
    private static final MemorySegment ZERO_F = Arena.global().allocateFrom(JAVA_FLOAT, 0f);
    private static final MemorySegment ONE_D = Arena.global().allocateFrom(JAVA_DOUBLE, 1d);
    private static final MemorySegment ZERO_D = Arena.global().allocateFrom(JAVA_DOUBLE, 0d);

    /** (handle, opA, opB, m, n, k, alpha*, A, lda, [strideA], B, ldb, [strideB], beta*, C, ldc, [strideC, batch]). */
    private static FunctionDescriptor gemm(boolean strided) {
        return strided
                ? FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                        JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT)
                : FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                        JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    }

    /** A handle whose work is queued on {@code stream}. */
    static MemorySegment create(MemorySegment stream) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("matmul on the GPU needs " + UNAVAILABLE + "; install the CUDA 13 (or 12) libraries");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ADDRESS);
            check((int) cublasCreate.invokeExact(h), "cublasCreate");
            MemorySegment handle = h.get(ADDRESS, 0);
            check((int) cublasSetStream.invokeExact(handle, stream), "cublasSetStream");
            return handle;
        } catch (Throwable t) {
            throw NativeLib.rethrow(t);
        }
    }

    /**
     * Row-major batch x [m,k]·[k,n] into c; A is stored [k,m] when transA, B is stored [n,k] when
     * transB; matrices of one batch are contiguous, one after another.
     */
    static void gemm(MemorySegment handle, boolean f64, long a, long b, long c, int batch, int m, int n, int k,
                     boolean transA, boolean transB) {
        int opA = transA ? OP_T : OP_N, opB = transB ? OP_T : OP_N;
        int lda = transA ? m : k, ldb = transB ? k : n;
        try {
            if (!f64 && batch > 1) {
                check((int) cublasSgemmStridedBatched.invokeExact(handle, opB, opA, n, m, k, ONE_F,
                        b, ldb, (long) k * n, a, lda, (long) m * k, ZERO_F, c, n, (long) m * n, batch), "cublasSgemmStridedBatched");
                return;
            }
            int size = f64 ? 8 : 4;
            for (int p = 0; p < batch; p++) {   // float64 batches are for gradient checks: a loop is enough
                long ap = a + (long) p * m * k * size, bp = b + (long) p * k * n * size, cp = c + (long) p * m * n * size;
                int rc = f64
                        ? (int) cublasDgemm.invokeExact(handle, opB, opA, n, m, k, ONE_D, bp, ldb, ap, lda, ZERO_D, cp, n)
                        : (int) cublasSgemm.invokeExact(handle, opB, opA, n, m, k, ONE_F, bp, ldb, ap, lda, ZERO_F, cp, n);
                check(rc, f64 ? "cublasDgemm" : "cublasSgemm");
            }
        } catch (Throwable t) {
            throw NativeLib.rethrow(t);
        }
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(what + " failed with cublasStatus " + status
                    + (status == 3 ? " (allocation failed: free GPU memory)" : status == 13 ? " (execution failed)" : ""));
        }
    }
}
