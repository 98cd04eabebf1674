package io.eager4j.internal.cpu;

/** Plain loops: the living definition every fast GEMM is tested against. Sums in k order, in float. */
public final class ReferenceGemm implements Gemm {
    public static final ReferenceGemm INSTANCE = new ReferenceGemm();

    private ReferenceGemm() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate) {
        if (!GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate)) {
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                int at = cOff + i * ldc + j;
                c[at] = accumulate ? c[at] + s : s;
            }
        }
    }

    @Override
    public String name() {
        return "reference";
    }
}
