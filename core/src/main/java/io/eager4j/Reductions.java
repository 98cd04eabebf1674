package io.eager4j;

import io.eager4j.internal.Backend.Reduce;
import io.eager4j.internal.Shapes;

/** Reductions over axes (sum, max primitives; mean composite) and argmax. */
final class Reductions {
    static final int[] ALL = new int[0];

    private Reductions() {}

    static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        boolean[] flags = flags("sum", x, axes);
        int[] kept = keptShape(x.shape, flags);
        Tensor out = new Tensor(kept, x.dtype, x.device, x.backend().reduce(Reduce.SUM, x.dtype, x.buffer, x.shape, flags));
        out = Autograd.active() ? Autograd.record("sum", out, new Tensor[] {x},
                (g, n) -> new Tensor[] {g.reshape(kept).broadcastTo(x.shape)}) : out;
        return keepDims ? out : out.reshape(dropped(x.shape, flags));
    }

    static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        boolean[] flags = flags("max", x, axes);
        int[] kept = keptShape(x.shape, flags);
        Tensor out = new Tensor(kept, x.dtype, x.device, x.backend().reduce(Reduce.MAX, x.dtype, x.buffer, x.shape, flags));
        if (Autograd.active()) {
            Tensor m = out;
            out = Autograd.record("max", out, new Tensor[] {x}, (g, n) -> {
                // ties share the gradient equally, as TF's reduce_max
                Tensor hit = Elementwise.mask(x.equal(m), x);
                Tensor count = hit.sum(axesOf(flags), true);
                return new Tensor[] {g.reshape(kept).mul(hit).div(count)};
            });
        }
        return keepDims ? out : out.reshape(dropped(x.shape, flags));
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        boolean[] flags = flags("mean", x, axes);
        int count = 1;
        for (int d = 0; d < flags.length; d++) if (flags[d]) count *= x.shape[d];
        return sum(x, axes, keepDims).div(count);
    }

    static Tensor argmax(Tensor x, int axis) {
        int a = Shaping.axis("argmax", axis, x.rank());
        if (x.shape[a] == 0) {
            throw new IllegalArgumentException("argmax: axis " + axis + " of shape " + Shapes.format(x.shape) + " is empty");
        }
        boolean[] flags = new boolean[x.rank()];
        flags[a] = true;
        return new Tensor(dropped(x.shape, flags), DType.INT32, x.device, x.backend().argmax(x.dtype, x.buffer, x.shape, a));
    }

    private static boolean[] flags(String op, Tensor x, int[] axes) {
        if (x.dtype == DType.BOOL) {
            throw new IllegalArgumentException(op + ": cast bool tensors first, e.g. cast(DType.FLOAT32)");
        }
        boolean[] f = new boolean[x.rank()];
        if (axes.length == 0) {
            java.util.Arrays.fill(f, true);
        }
        for (int ax : axes) {
            int a = Shaping.axis(op, ax, x.rank());
            if (f[a]) throw new IllegalArgumentException(op + ": axis " + ax + " given twice for shape " + Shapes.format(x.shape));
            f[a] = true;
        }
        return f;
    }

    // plain loops: these run on every reduction, and stream pipelines here cost 27 C2 compilations
    // in the seed's first second of training (competing with it for the second core) and ran slow until then
    private static int[] axesOf(boolean[] flags) {
        int[] a = new int[flags.length];
        int n = 0;
        for (int d = 0; d < flags.length; d++) if (flags[d]) a[n++] = d;
        return java.util.Arrays.copyOf(a, n);
    }

    private static int[] keptShape(int[] shape, boolean[] flags) {
        int[] k = shape.clone();
        for (int d = 0; d < k.length; d++) if (flags[d]) k[d] = 1;
        return k;
    }

    private static int[] dropped(int[] shape, boolean[] flags) {
        int[] s = new int[shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) if (!flags[d]) s[n++] = shape[d];
        return java.util.Arrays.copyOf(s, n);
    }
}
