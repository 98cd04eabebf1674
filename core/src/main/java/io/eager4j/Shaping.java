package io.eager4j;

import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;
import java.util.Arrays;

/** Shape primitives; each backward is the inverse movement of the gradient. */
final class Shaping {
    private Shaping() {}

    static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1 && infer < 0) infer = d;
            else if (s[d] < 0) throw new IllegalArgumentException("reshape: bad shape " + Shapes.format(newShape));
            else known *= s[d];
        }
        if (infer >= 0 && known > 0 && x.size() % known == 0) s[infer] = x.size() / known;
        if (Shapes.size(s) != x.size() || (infer >= 0 && known == 0)) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.format(x.shape) + " ("
                    + x.size() + " elements) to " + Shapes.format(newShape));
        }
        if (Arrays.equals(s, x.shape)) return x;
        Tensor out = new Tensor(s, x.dtype, x.device, x.shareBuffer());   // immutable buffers can be shared
        if (!Autograd.active()) return out;
        return Autograd.record("reshape", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.reshape(x.shape)});
    }

    static Tensor transpose(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("transpose: needs rank >= 2, got " + Shapes.format(x.shape));
        }
        int[] perm = new int[x.rank()];
        for (int d = 0; d < perm.length; d++) perm[d] = d;
        perm[x.rank() - 2] = x.rank() - 1;
        perm[x.rank() - 1] = x.rank() - 2;
        return permute(x, perm);
    }

    static Tensor permute(Tensor x, int[] perm) {
        if (perm.length != x.rank()) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not fit shape " + Shapes.format(x.shape));
        }
        int[] inverse = new int[perm.length], norm = new int[perm.length], out = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int d = 0; d < perm.length; d++) {
            int p = axis("permute", perm[d], perm.length);
            if (seen[p]) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " repeats axis " + p);
            seen[p] = true;
            norm[d] = p;
            inverse[p] = d;
            out[d] = x.shape[p];
        }
        Tensor r = new Tensor(out, x.dtype, x.device, x.backend().permute(x.dtype, x.buffer, x.shape, norm));
        if (!Autograd.active()) return r;
        return Autograd.record("permute", r, new Tensor[] {x}, (g, n) -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor broadcastTo(Tensor x, int[] target) {
        int[] s = Shapes.broadcast(x.shape, target);
        if (s == null || !Arrays.equals(s, target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Shapes.format(x.shape) + " cannot be broadcast to " + Shapes.format(target));
        }
        if (Arrays.equals(x.shape, target)) return x;
        Tensor out = new Tensor(target.clone(), x.dtype, x.device, x.backend().broadcastTo(x.dtype, x.buffer, x.shape, target));
        if (!Autograd.active()) return out;
        return Autograd.record("broadcast_to", out, new Tensor[] {x}, (g, n) -> new Tensor[] {Elementwise.sumTo(g, x)});
    }

    static Tensor slice(Tensor x, int[] begin, int[] size) {
        if (begin.length != x.rank() || size.length != x.rank()) {
            throw new IllegalArgumentException("slice: begin " + Arrays.toString(begin) + " and size " + Arrays.toString(size)
                    + " must both have rank " + x.rank() + " for shape " + Shapes.format(x.shape));
        }
        int[] sz = size.clone();
        for (int d = 0; d < sz.length; d++) {
            if (sz[d] == -1) sz[d] = x.shape[d] - begin[d];   // -1: to the end, as TF
            if (begin[d] < 0 || sz[d] < 0 || begin[d] + sz[d] > x.shape[d]) {
                throw new IllegalArgumentException("slice: begin " + Arrays.toString(begin) + " size " + Arrays.toString(size)
                        + " is outside shape " + Shapes.format(x.shape));
            }
        }
        Tensor out = new Tensor(sz, x.dtype, x.device, x.backend().slice(x.dtype, x.buffer, x.shape, begin.clone(), sz));
        if (!Autograd.active()) return out;
        return Autograd.record("slice", out, new Tensor[] {x}, (g, n) -> new Tensor[] {pad(g, begin.clone(), x.shape)});
    }

    /** Places x at {@code begin} in zeros of shape {@code out}: the inverse of slice. */
    static Tensor pad(Tensor x, int[] begin, int[] outShape) {
        Tensor out = new Tensor(outShape, x.dtype, x.device, x.backend().pad(x.dtype, x.buffer, x.shape, begin, outShape));
        if (!Autograd.active()) return out;
        return Autograd.record("pad", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.slice(begin, x.shape)});
    }

    static Tensor concat(int axis, Tensor[] parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors given");
        Tensor first = parts[0];
        int a = axis("concat", axis, first.rank());
        int[] out = first.shape.clone();
        out[a] = 0;
        Buffer[] bufs = new Buffer[parts.length];
        int[][] shapes = new int[parts.length][];
        for (int p = 0; p < parts.length; p++) {
            Tensor t = parts[p];
            Elementwise.sameDevice("concat", first, t);
            boolean fits = t.rank() == first.rank() && t.dtype == first.dtype;
            for (int d = 0; fits && d < out.length; d++) fits = d == a || t.shape[d] == first.shape[d];
            if (!fits) {
                throw new IllegalArgumentException("concat: shapes " + Shapes.format(first.shape) + " " + first.dtype + " and "
                        + Shapes.format(t.shape) + " " + t.dtype + " cannot be joined along axis " + axis);
            }
            out[a] += t.shape[a];
            bufs[p] = t.buffer;
            shapes[p] = t.shape;
        }
        Tensor r = new Tensor(out, first.dtype, first.device, first.backend().concat(first.dtype, bufs, shapes, a, out));
        if (!Autograd.active()) return r;
        return Autograd.record("concat", r, parts.clone(), (g, n) -> {
            Tensor[] gs = new Tensor[parts.length];
            int at = 0;
            for (int p = 0; p < parts.length; p++) {
                int[] begin = new int[out.length];
                begin[a] = at;
                if (n[p]) gs[p] = g.slice(begin, shapes[p]);
                at += shapes[p][a];
            }
            return gs;
        });
    }

    static Tensor oneHot(Tensor indices, int depth, DType dtype) {
        if (indices.dtype != DType.INT32) {
            throw new IllegalArgumentException("oneHot: indices must be int32, got " + indices.dtype);
        }
        if (depth <= 0) throw new IllegalArgumentException("oneHot: depth must be positive, got " + depth);
        int[] out = Arrays.copyOf(indices.shape, indices.rank() + 1);
        out[indices.rank()] = depth;
        return new Tensor(out, dtype, indices.device, indices.backend().oneHot(dtype, indices.buffer, depth));
    }

    static Tensor to(Tensor x, Device target) {
        if (target == x.device) return x;
        Object host = x.backend().toArray(x.dtype, x.buffer);
        Tensor out = new Tensor(x.shape, x.dtype, target, target.backend().fromArray(x.dtype, host));
        if (!Autograd.active()) return out;
        Device source = x.device;
        return Autograd.record("to", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.to(source)});
    }
}
