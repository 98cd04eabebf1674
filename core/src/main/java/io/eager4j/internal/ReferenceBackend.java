package io.eager4j.internal;

import io.eager4j.DType;

/**
 * The living definition of every primitive: scalar loops in double precision, rounded to the
 * result's dtype once per op. Every fast backend is tested against it.
 */
public class ReferenceBackend implements Backend {
    @Override
    public String name() {
        return "reference";
    }

    // ---- conversions: the reference computes in double, stores in the dtype

    protected static double[] read(DType dtype, Buffer b) {
        Object a = ((CpuBuffer) b).array();
        return switch (dtype) {
            case FLOAT64 -> (double[]) a;
            case FLOAT32 -> {
                float[] f = (float[]) a;
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) d[i] = f[i];
                yield d;
            }
            case INT32 -> {
                int[] x = (int[]) a;
                double[] d = new double[x.length];
                for (int i = 0; i < x.length; i++) d[i] = x[i];
                yield d;
            }
            case BOOL -> {
                byte[] x = (byte[]) a;
                double[] d = new double[x.length];
                for (int i = 0; i < x.length; i++) d[i] = x[i];
                yield d;
            }
        };
    }

    /** Stores doubles as {@code dtype}; takes ownership of {@code d} for float64. */
    public static CpuBuffer write(DType dtype, double[] d) {
        return new CpuBuffer(switch (dtype) {
            case FLOAT64 -> d;
            case FLOAT32 -> {
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
                yield f;
            }
            case INT32 -> {
                int[] x = new int[d.length];
                for (int i = 0; i < d.length; i++) x[i] = (int) d[i];
                yield x;
            }
            case BOOL -> {
                byte[] x = new byte[d.length];
                for (int i = 0; i < d.length; i++) x[i] = (byte) (d[i] != 0 ? 1 : 0);
                yield x;
            }
        });
    }

    @Override
    public Buffer fromArray(DType dtype, Object array) {
        return new CpuBuffer(switch (array) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            case int[] i -> i.clone();
            case byte[] b -> b.clone();
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass());
        });
    }

    @Override
    public Object toArray(DType dtype, Buffer x) {
        return switch (((CpuBuffer) x).array()) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            case int[] i -> i.clone();
            case byte[] b -> b.clone();
            default -> throw new IllegalStateException();
        };
    }

    @Override
    public Buffer full(DType dtype, int n, double value) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, value);
        return write(dtype, d);
    }

    @Override
    public Buffer unary(Unary op, DType dtype, Buffer x) {
        double[] a = read(dtype, x);
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double v = a[i];
            r[i] = switch (op) {
                case NEG -> -v;
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case SQRT -> Math.sqrt(v);
                case RELU -> v > 0 ? v : 0;
                case ABS -> Math.abs(v);
                case SIGN -> Math.signum(v);
                case TANH -> Math.tanh(v);
                case SIGMOID -> 1 / (1 + Math.exp(-v));
            };
        }
        return write(dtype, r);
    }

    @Override
    public Buffer binary(Binary op, DType dtype, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out) {
        double[] x = read(dtype, a), y = read(dtype, b);
        int[] sa = Shapes.broadcastStrides(aShape, out), sb = Shapes.broadcastStrides(bShape, out);
        double[] r = new double[Shapes.size(out)];
        for (int j = 0; j < r.length; j++) {
            double u = x[Shapes.offset(j, out, sa)], v = y[Shapes.offset(j, out, sb)];
            r[j] = switch (op) {
                case ADD -> u + v;
                case SUB -> u - v;
                case MUL -> u * v;
                case DIV -> dtype == DType.INT32 ? (double) ((int) u / (int) v) : u / v;
                case POW -> Math.pow(u, v);
                case MAXIMUM -> Math.max(u, v);
                case MINIMUM -> Math.min(u, v);
                case EQUAL -> u == v ? 1 : 0;
                case NOT_EQUAL -> u != v ? 1 : 0;
                case LESS -> u < v ? 1 : 0;
                case LESS_EQUAL -> u <= v ? 1 : 0;
                case GREATER -> u > v ? 1 : 0;
                case GREATER_EQUAL -> u >= v ? 1 : 0;
            };
        }
        return write(op.isComparison() ? DType.BOOL : dtype, r);
    }

    @Override
    public Buffer clip(DType dtype, Buffer x, double lo, double hi) {
        double[] a = read(dtype, x);
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.min(Math.max(a[i], lo), hi);
        return write(dtype, r);
    }

    @Override
    public Buffer where(DType dtype, Buffer cond, int[] cShape, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out) {
        byte[] c = ((CpuBuffer) cond).bytes();
        double[] x = read(dtype, a), y = read(dtype, b);
        int[] sc = Shapes.broadcastStrides(cShape, out);
        int[] sa = Shapes.broadcastStrides(aShape, out), sb = Shapes.broadcastStrides(bShape, out);
        double[] r = new double[Shapes.size(out)];
        for (int j = 0; j < r.length; j++) {
            r[j] = c[Shapes.offset(j, out, sc)] != 0 ? x[Shapes.offset(j, out, sa)] : y[Shapes.offset(j, out, sb)];
        }
        return write(dtype, r);
    }

    @Override
    public Buffer reduce(Reduce op, DType dtype, Buffer x, int[] shape, boolean[] axes) {
        double[] a = read(dtype, x);
        int[] out = shape.clone();
        for (int d = 0; d < shape.length; d++) if (axes[d]) out[d] = 1;
        int[] so = Shapes.broadcastStrides(out, shape);   // input element -> output slot
        double[] r = new double[Shapes.size(out)];
        if (op == Reduce.MAX) java.util.Arrays.fill(r, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < a.length; i++) {
            int o = Shapes.offset(i, shape, so);
            r[o] = op == Reduce.SUM ? r[o] + a[i] : (a[i] > r[o] || Double.isNaN(a[i]) ? a[i] : r[o]);
        }
        return write(dtype, r);
    }

    @Override
    public Buffer argmax(DType dtype, Buffer x, int[] shape, int axis) {
        double[] a = read(dtype, x);
        int outer = 1, inner = 1, n = shape[axis];
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        int[] r = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int best = 0;
                double bv = a[o * n * inner + in];
                for (int k = 1; k < n; k++) {
                    double v = a[(o * n + k) * inner + in];
                    if (v > bv) {
                        bv = v;
                        best = k;
                    }
                }
                r[o * inner + in] = best;
            }
        }
        return new CpuBuffer(r);
    }

    @Override
    public Buffer matmul(DType dtype, Buffer a, Buffer b, int batch, int m, int n, int k, boolean transA, boolean transB) {
        double[] x = read(dtype, a), y = read(dtype, b);
        double[] r = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            int xo = p * m * k, yo = p * k * n, ro = p * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s += x[xo + (transA ? q * m + i : i * k + q)] * y[yo + (transB ? j * k + q : q * n + j)];
                    }
                    r[ro + i * n + j] = s;
                }
            }
        }
        return write(dtype, r);
    }

    @Override
    public Buffer permute(DType dtype, Buffer x, int[] shape, int[] perm) {
        double[] a = read(dtype, x);
        int[] own = Shapes.strides(shape);
        int[] out = new int[shape.length], s = new int[shape.length];
        for (int d = 0; d < perm.length; d++) {
            out[d] = shape[perm[d]];
            s[d] = own[perm[d]];
        }
        double[] r = new double[a.length];
        for (int j = 0; j < r.length; j++) r[j] = a[Shapes.offset(j, out, s)];
        return write(dtype, r);
    }

    @Override
    public Buffer broadcastTo(DType dtype, Buffer x, int[] shape, int[] out) {
        double[] a = read(dtype, x);
        int[] s = Shapes.broadcastStrides(shape, out);
        double[] r = new double[Shapes.size(out)];
        for (int j = 0; j < r.length; j++) r[j] = a[Shapes.offset(j, out, s)];
        return write(dtype, r);
    }

    @Override
    public Buffer slice(DType dtype, Buffer x, int[] shape, int[] begin, int[] size) {
        double[] a = read(dtype, x);
        int[] s = Shapes.strides(shape);
        int base = 0;
        for (int d = 0; d < shape.length; d++) base += begin[d] * s[d];
        double[] r = new double[Shapes.size(size)];
        for (int j = 0; j < r.length; j++) r[j] = a[base + Shapes.offset(j, size, s)];
        return write(dtype, r);
    }

    @Override
    public Buffer pad(DType dtype, Buffer x, int[] shape, int[] begin, int[] out) {
        double[] a = read(dtype, x);
        int[] s = Shapes.strides(out);
        int base = 0;
        for (int d = 0; d < out.length; d++) base += begin[d] * s[d];
        double[] r = new double[Shapes.size(out)];
        for (int j = 0; j < a.length; j++) r[base + Shapes.offset(j, shape, s)] = a[j];
        return write(dtype, r);
    }

    @Override
    public Buffer concat(DType dtype, Buffer[] xs, int[][] shapes, int axis, int[] out) {
        double[] r = new double[Shapes.size(out)];
        int[] s = Shapes.strides(out);
        int at = 0;
        for (int p = 0; p < xs.length; p++) {
            double[] a = read(dtype, xs[p]);
            int base = at * s[axis];
            for (int j = 0; j < a.length; j++) r[base + Shapes.offset(j, shapes[p], s)] = a[j];
            at += shapes[p][axis];
        }
        return write(dtype, r);
    }

    @Override
    public Buffer cast(DType from, Buffer x, DType to) {
        double[] d = read(from, x);   // float64 input is read in place: copy only when write would keep it
        return write(to, from == DType.FLOAT64 && to == DType.FLOAT64 ? d.clone() : d);
    }

    @Override
    public Buffer oneHot(DType dtype, Buffer indices, int depth) {
        int[] idx = ((CpuBuffer) indices).ints();
        double[] r = new double[idx.length * depth];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] >= 0 && idx[i] < depth) r[i * depth + idx[i]] = 1;
        }
        return write(dtype, r);
    }

    @Override
    public Buffer[] adam(DType dtype, Buffer var, Buffer m, Buffer v, Buffer g, double lrT, double b1, double b2, double eps) {
        double[] w = read(dtype, var).clone(), mm = read(dtype, m).clone(), vv = read(dtype, v).clone(), gg = read(dtype, g);
        for (int i = 0; i < w.length; i++) {
            mm[i] = b1 * mm[i] + (1 - b1) * gg[i];
            vv[i] = b2 * vv[i] + (1 - b2) * gg[i] * gg[i];
            w[i] -= lrT * mm[i] / (Math.sqrt(vv[i]) + eps);
        }
        return new Buffer[] {write(dtype, w), write(dtype, mm), write(dtype, vv)};
    }

    @Override
    public Buffer random(DType dtype, int n, boolean normal, long seed, long offset, double a, double b) {
        double[] r = new double[n];
        Philox.fill(r, normal, seed, offset, a, b);
        return write(dtype, r);
    }

    // ---- windows and indexing (definitions in WindowReference)

    @Override
    public Buffer conv2d(DType dtype, Buffer x, Buffer filter, Window g, int co) {
        return write(dtype, WindowReference.conv2d(read(dtype, x), read(dtype, filter), g, co));
    }

    @Override
    public Buffer conv2dInputGrad(DType dtype, Buffer dy, Buffer filter, Window g, int co) {
        return write(dtype, WindowReference.conv2dInputGrad(read(dtype, dy), read(dtype, filter), g, co));
    }

    @Override
    public Buffer conv2dFilterGrad(DType dtype, Buffer x, Buffer dy, Window g, int co) {
        return write(dtype, WindowReference.conv2dFilterGrad(read(dtype, x), read(dtype, dy), g, co));
    }

    @Override
    public Buffer[] maxPool2d(DType dtype, Buffer x, Window g) {
        Object[] r = WindowReference.maxPool(read(dtype, x), g);
        return new Buffer[] {write(dtype, (double[]) r[0]), new CpuBuffer(r[1])};
    }

    @Override
    public Buffer avgPool2d(DType dtype, Buffer x, Window g) {
        return write(dtype, WindowReference.avgPool(read(dtype, x), g));
    }

    @Override
    public Buffer avgPool2dGrad(DType dtype, Buffer dy, Window g) {
        return write(dtype, WindowReference.avgPoolGrad(read(dtype, dy), g));
    }

    @Override
    public Buffer gather(DType dtype, Buffer x, int outer, int dim, int inner, Buffer indices) {
        return write(dtype, WindowReference.gather(read(dtype, x), outer, dim, inner, ((CpuBuffer) indices).ints()));
    }

    @Override
    public Buffer scatterAdd(DType dtype, Buffer v, int outer, int dim, int inner, Buffer indices) {
        return write(dtype, WindowReference.scatterAdd(read(dtype, v), outer, dim, inner, ((CpuBuffer) indices).ints()));
    }

    @Override
    public Buffer[] userKernel(UserKernel k, boolean backward, DType dtype, Buffer[] in, int[][] inShapes, int[][] outShapes) {
        return UserKernel.runOnCpu(k, backward, dtype, in, inShapes, outShapes);
    }
}
