package io.eager4j.internal.cpu;

/** Plain loops: the living definition every fast GEMM is tested against. Sums in k order, in float. */
public final class ReferenceGemm implements Gemm {
    public static final ReferenceGemm INSTANCE = new ReferenceGemm();

    private ReferenceGemm() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (!GemmArgs.check(m, n, k, a, aOff, b, bOff, c, cOff, accumulate)) {
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float y = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    s += x * y;
                }
                int at = cOff + i * n + j;
                c[at] = accumulate ? c[at] + s : s;
            }
        }
    }

    @Override
    public String name() {
        return "reference";
    }
}
