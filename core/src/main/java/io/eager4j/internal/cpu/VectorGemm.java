package io.eager4j.internal.cpu;

import static io.eager4j.internal.cpu.VectorKernels.MR;
import static io.eager4j.internal.cpu.VectorKernels.NR;
import static io.eager4j.internal.cpu.VectorKernels.S;
import static io.eager4j.internal.cpu.VectorKernels.VL;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Pure-Java GEMM on the Vector API, single thread. Classic blocking: for each k panel (KC deep), B is
 * packed into NR-wide column strips (L2-resident, zero-padded); for each 8-row strip of A, a micro-kernel
 * ({@link VectorKernels}) runs across the strips. Transposed operands are handled while packing, never by
 * a full transposed copy: row-major A is read in place, transposed A is packed 8 floats at a time.
 * Packing buffers are per thread and reused: no allocation per call once warm.
 *
 * <p>Narrow C (n at most one vector, the seed's n = 10) runs a one-vector kernel. Computing C^T = B^T A^T
 * there instead, as DESIGN.md suggested, measured no faster on Zen 4 (dW1 = H^T . dZ: 9.2 vs 9.9 us, within
 * noise), because the 10 rows of C^T pad to 16 just as the 10 columns of C do; so it was left out.
 */
public final class VectorGemm implements Gemm {
    public static final VectorGemm INSTANCE = new VectorGemm();

    /** Deepest k panel; deeper k is split evenly (784 -> 3 x 262) so no panel is a sliver. */
    static final int KC = 384;
    /** Packed-B block budget in floats (512 KiB): stays in Zen 4's 1 MiB L2 next to A and C. */
    static final int B_FLOATS = 128 * 1024;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] a = new float[MR * KC];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size]; // grows once per thread to the largest block seen
            }
            return b;
        }
    }

    private VectorGemm() {}

    /** E.g. "Vector API, 512-bit". */
    public static String describe() {
        return "Vector API, " + VectorKernels.S.vectorBitSize() + "-bit";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate) {
        if (!GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate)) {
            return;
        }
        Scratch s = SCRATCH.get();
        int kcMax = ceilDiv(k, ceilDiv(k, KC));
        int ncMax = Math.max(NR, B_FLOATS / kcMax / NR * NR);
        float[] bp = s.b(kcMax * Math.min(ncMax, roundUp(n, NR)));
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean add = accumulate || pc > 0; // later k panels add to what the first wrote
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MR) {
                    int mr = Math.min(MR, m - ic);
                    int cAt = cOff + ic * ldc + jc;
                    if (transA) {
                        packTransposedA(a, aOff, lda, pc, kc, ic, mr, s.a);
                        packedStrip(s.a, bp, kc, nc, s.tile, c, cAt, ldc, mr, add);
                    } else if (mr == MR) {
                        rowsStrip(a, aOff + ic * lda + pc, lda, bp, kc, nc, s.tile, c, cAt, ldc, mr, add);
                    } else {
                        copyRows(a, aOff + ic * lda + pc, lda, kc, mr, s.a); // last strip: zero rows below m
                        rowsStrip(s.a, 0, kc, bp, kc, nc, s.tile, c, cAt, ldc, mr, add);
                    }
                }
            }
        }
    }

    private static void rowsStrip(float[] a, int a0, int lda, float[] bp, int kc, int nc, float[] tile,
                                  float[] c, int cAt, int ldc, int mr, boolean add) {
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            if (w <= VL) {
                VectorKernels.rows1(a, a0, lda, bp, jr * kc, kc, tile);
                VectorKernels.storeTile(tile, VL, c, cAt + jr, ldc, mr, w, add);
            } else {
                VectorKernels.rows2(a, a0, lda, bp, jr * kc, kc, tile);
                VectorKernels.storeTile(tile, NR, c, cAt + jr, ldc, mr, w, add);
            }
        }
    }

    private static void packedStrip(float[] ap, float[] bp, int kc, int nc, float[] tile,
                                    float[] c, int cAt, int ldc, int mr, boolean add) {
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            if (w <= VL) {
                VectorKernels.packed1(ap, 0, bp, jr * kc, kc, tile);
                VectorKernels.storeTile(tile, VL, c, cAt + jr, ldc, mr, w, add);
            } else {
                VectorKernels.packed2(ap, 0, bp, jr * kc, kc, tile);
                VectorKernels.storeTile(tile, NR, c, cAt + jr, ldc, mr, w, add);
            }
        }
    }

    /**
     * Packs op(B)[pc..pc+kc, jc..jc+nc] into strips: strip jr starts at {@code jr * kc} and holds
     * {@code bp[jr * kc + p * W + j]}, W = NR, or VL for a last strip no wider than one vector.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int width = w <= VL ? VL : NR;
            int dst = jr * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                if (width == VL) { // masked loads leave the padding columns zero
                    VectorMask<Float> m0 = S.indexInRange(0, w);
                    for (int p = 0; p < kc; p++, src += ldb) {
                        FloatVector.fromArray(S, b, src, m0).intoArray(bp, dst + p * VL);
                    }
                } else if (w == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst + p * NR);
                        FloatVector.fromArray(S, b, src + VL).intoArray(bp, dst + p * NR + VL);
                    }
                } else {
                    VectorMask<Float> m1 = S.indexInRange(VL, w);
                    for (int p = 0; p < kc; p++, src += ldb) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst + p * NR);
                        FloatVector.fromArray(S, b, src + VL, m1).intoArray(bp, dst + p * NR + VL);
                    }
                }
            } else {
                if (w < width) {
                    Arrays.fill(bp, dst, dst + kc * width, 0f); // padding columns must be zero
                }
                for (int j = 0; j < w; j++) { // B stored n x k: column j of op(B) is contiguous
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * width + j] = b[src + p];
                    }
                }
            }
        }
    }

    /** A stored k x m (rows lda apart): op(A) rows ic..ic+mr are contiguous in each stored row, so 8 floats per p. */
    static void packTransposedA(float[] a, int aOff, int lda, int pc, int kc, int ic, int mr, float[] ap) {
        int src = aOff + pc * lda + ic;
        if (mr == MR && VL >= MR) { // 8 floats = one 256-bit vector, native wherever the preferred one is as wide
            for (int p = 0; p < kc; p++, src += lda) {
                FloatVector.fromArray(FloatVector.SPECIES_256, a, src).intoArray(ap, p * MR);
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += lda) {
            for (int r = 0; r < MR; r++) {
                ap[p * MR + r] = r < mr ? a[src + r] : 0f;
            }
        }
    }

    private static void copyRows(float[] a, int a0, int lda, int kc, int mr, float[] ap) {
        for (int r = 0; r < MR; r++) {
            if (r < mr) {
                System.arraycopy(a, a0 + r * lda, ap, r * kc, kc);
            } else {
                Arrays.fill(ap, r * kc, (r + 1) * kc, 0f);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }

    @Override
    public String name() {
        return "java";
    }
}
