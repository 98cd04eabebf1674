package io.eager4j;

import io.eager4j.internal.Shapes;
import java.util.Arrays;

/** Matrix multiply as one primitive with transpose flags, so backward never copies a transpose. */
final class LinAlg {
    private LinAlg() {}

    static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        Elementwise.sameDevice("matmul", a, b);
        int r = a.rank();
        boolean ok = r >= 2 && r == b.rank() && a.dtype == b.dtype && a.dtype.isFloating()
                && Arrays.equals(Arrays.copyOf(a.shape, r - 2), Arrays.copyOf(b.shape, r - 2));
        int m = ok ? a.shape[ta ? r - 1 : r - 2] : 0, k = ok ? a.shape[ta ? r - 2 : r - 1] : 0;
        int kb = ok ? b.shape[tb ? r - 1 : r - 2] : -1, n = ok ? b.shape[tb ? r - 2 : r - 1] : 0;
        if (!ok || k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.format(a.shape) + " and " + Shapes.format(b.shape)
                    + " cannot be multiplied" + (a.dtype != b.dtype ? " (dtypes " + a.dtype + " and " + b.dtype + ")" : ""));
        }
        int batch = 1;
        for (int d = 0; d < r - 2; d++) batch *= a.shape[d];
        int[] out = Arrays.copyOf(a.shape, r);
        out[r - 2] = m;
        out[r - 1] = n;
        Tensor c = new Tensor(out, a.dtype, a.device, a.backend().matmul(a.dtype, a.buffer, b.buffer, batch, m, n, k, ta, tb));
        if (!Autograd.active()) return c;
        return Autograd.record("matmul", c, new Tensor[] {a, b}, (g, need) -> new Tensor[] {
            // dA and dB for C = op(A)·op(B), each one GEMM with flags (no transposed copies)
            need[0] ? (ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb)) : null,
            need[1] ? (tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false)) : null,
        });
    }
}
