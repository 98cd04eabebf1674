package io.eager4j.cuda;

import static io.eager4j.cuda.GpuCompare.REF;
import static io.eager4j.cuda.GpuCompare.SIZES;
import static io.eager4j.cuda.GpuCompare.tol;

import io.eager4j.DType;
import io.eager4j.internal.Backend.Reduce;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reductions, GEMMs and layout primitives on gpu:0 against the reference; skips without a GPU. */
class GpuLayoutTest {
    static final int[][] SHAPES = {{1}, {1031}, {7, 13}, {129, 7}, {13, 1, 129}, {3, 7, 13}, {2, 3, 4, 5}};

    @Test
    void reductionsOverEveryAxisSubset() {
        GpuCompare c = new GpuCompare(11);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int[] shape : SHAPES) {
                Buffer[] x = c.both(t, Shapes.size(shape), -10, 10);
                for (int mask = 0; mask < 1 << shape.length; mask++) {
                    boolean[] axes = new boolean[shape.length];
                    for (int d = 0; d < shape.length; d++) axes[d] = (mask >> d & 1) != 0;
                    for (Reduce op : Reduce.values()) {
                        String what = op + " " + t + " " + Arrays.toString(shape) + " axes " + Arrays.toString(axes);
                        // float32 sums: the GPU adds in a tree, the reference in order; both in double
                        double tol = t == DType.FLOAT32 ? 3e-6 : t == DType.FLOAT64 ? 1e-11 : 0;
                        c.same(what, t, REF.reduce(op, t, x[0], shape, axes), c.gpu.reduce(op, t, x[1], shape, axes), tol);
                    }
                }
                for (int axis = 0; axis < shape.length; axis++) {
                    Buffer[] ties = c.both(t, c.values(DType.INT32, Shapes.size(shape), 0, 3));   // many ties: the first max wins
                    c.same("argmax " + t + " " + Arrays.toString(shape) + " axis " + axis, DType.INT32,
                            REF.argmax(t, ties[0], shape, axis), c.gpu.argmax(t, ties[1], shape, axis), 0);
                }
            }
        }
    }

    @Test
    void matmulsIncludingTransposedAndBatched() {
        GpuCompare c = new GpuCompare(12);
        int[] dims = {1, 7, 13, 129};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int m : dims) {
                for (int n : dims) {
                    for (int k : new int[] {1, 13, 1031}) {
                        for (int batch : new int[] {1, 3}) {
                            if (batch > 1 && m * n * k > 13 * 129 * 13) continue;
                            Buffer[] a = c.both(t, batch * m * k, -2, 2), b = c.both(t, batch * k * n, -2, 2);
                            for (int tr = 0; tr < 4; tr++) {
                                boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                                String what = "matmul " + t + " batch " + batch + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
                                double tol = t == DType.FLOAT32 ? 2e-5 * Math.sqrt(k) : t == DType.FLOAT64 ? 1e-12 : 0;
                                c.same(what, t, REF.matmul(t, a[0], b[0], batch, m, n, k, ta, tb), c.gpu.matmul(t, a[1], b[1], batch, m, n, k, ta, tb), tol);
                            }
                        }
                    }
                }
            }
        }
        Buffer[] empty = c.both(DType.FLOAT32, 0, 0, 1);
        c.same("matmul k=0", DType.FLOAT32, REF.matmul(DType.FLOAT32, empty[0], empty[0], 1, 3, 2, 0, false, false),
                c.gpu.matmul(DType.FLOAT32, empty[1], empty[1], 1, 3, 2, 0, false, false), 0);
    }

    @Test
    void permuteBroadcastSliceAndPad() {
        GpuCompare c = new GpuCompare(13);
        for (DType t : GpuCompare.ALL) {
            for (int[] shape : SHAPES) {
                Buffer[] x = c.both(t, Shapes.size(shape), -50, 50);
                int r = shape.length;
                int[] perm = new int[r];
                for (int d = 0; d < r; d++) perm[d] = r - 1 - d;
                String s = t + " " + Arrays.toString(shape);
                c.same("permute " + s, t, REF.permute(t, x[0], shape, perm), c.gpu.permute(t, x[1], shape, perm), 0);
                int[] out = new int[r + 1];
                out[0] = 3;
                for (int d = 0; d < r; d++) out[d + 1] = shape[d] == 1 ? 5 : shape[d];
                c.same("broadcastTo " + s, t, REF.broadcastTo(t, x[0], shape, out), c.gpu.broadcastTo(t, x[1], shape, out), 0);
                int[] begin = new int[r], size = new int[r], padded = new int[r];
                for (int d = 0; d < r; d++) {
                    begin[d] = shape[d] / 3;
                    size[d] = Math.max(1, shape[d] - begin[d] - shape[d] / 4);
                    padded[d] = shape[d] + begin[d] + 2;
                }
                c.same("slice " + s, t, REF.slice(t, x[0], shape, begin, size), c.gpu.slice(t, x[1], shape, begin, size), 0);
                c.same("pad " + s, t, REF.pad(t, x[0], shape, begin, padded), c.gpu.pad(t, x[1], shape, begin, padded), 0);
            }
        }
    }

    @Test
    void concatAlongEachAxisAndOneHot() {
        GpuCompare c = new GpuCompare(14);
        for (DType t : GpuCompare.ALL) {
            int[][] shapes = {{3, 7, 13}, {3, 7, 13}, {3, 7, 13}};
            for (int axis = 0; axis < 3; axis++) {
                int[][] parts = {shapes[0].clone(), shapes[1].clone(), shapes[2].clone()};
                parts[1][axis] = 1;
                parts[2][axis] = 0;   // an empty part contributes nothing
                int[] out = parts[0].clone();
                out[axis] = parts[0][axis] + 1;
                Buffer[] refs = new Buffer[3], gpus = new Buffer[3];
                for (int p = 0; p < 3; p++) {
                    Buffer[] x = c.both(t, Shapes.size(parts[p]), -9, 9);
                    refs[p] = x[0];
                    gpus[p] = x[1];
                }
                c.same("concat " + t + " axis " + axis, t, REF.concat(t, refs, parts, axis, out), c.gpu.concat(t, gpus, parts, axis, out), 0);
            }
        }
        for (int n : SIZES) {
            double[] idx = c.values(DType.INT32, n, -1, 11);   // includes -1 and 10: zero rows
            Buffer[] x = c.both(DType.INT32, idx);
            for (DType t : GpuCompare.ALL) {
                c.same("oneHot " + t + " n=" + n, t, REF.oneHot(t, x[0], 10), c.gpu.oneHot(t, x[1], 10), 0);
            }
        }
    }
}
