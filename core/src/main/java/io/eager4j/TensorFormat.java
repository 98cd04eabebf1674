package io.eager4j;

/** Readable {@code toString}: nested brackets, long dimensions elided, like NumPy. */
final class TensorFormat {
    private static final int EDGE = 3, LIMIT = 1000;

    private TensorFormat() {}

    static String format(Tensor t) {
        double[] v = t.size() > 0 ? t.toDoubleArray() : new double[0];
        StringBuilder sb = new StringBuilder("tensor(");
        append(sb, t, v, 0, 0, t.size() > LIMIT);
        sb.append(", ").append(t.dtype);
        if (!t.device.isCpu()) sb.append(", ").append(t.device);
        return sb.append(')').toString();
    }

    private static void append(StringBuilder sb, Tensor t, double[] v, int dim, int base, boolean elide) {
        if (dim == t.rank()) {
            sb.append(number(v[base], t.dtype));
            return;
        }
        int n = t.shape[dim], stride = 1;
        for (int d = dim + 1; d < t.rank(); d++) stride *= t.shape[d];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (elide && n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE - 1;
                continue;
            }
            append(sb, t, v, dim + 1, base + i * stride, elide);
            if (i < n - 1) sb.append(", ");
        }
        sb.append(']');
    }

    private static String number(double x, DType dtype) {
        if (!dtype.isFloating() || (x == Math.rint(x) && Math.abs(x) < 1e15)) {
            return Long.toString((long) x);
        }
        return dtype == DType.FLOAT32 ? Float.toString((float) x) : Double.toString(x);
    }
}
