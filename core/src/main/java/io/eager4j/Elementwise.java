package io.eager4j;

import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.Shapes;

/** Elementwise primitives: each forward beside its backward, the backward written with tensor ops. */
final class Elementwise {
    private Elementwise() {}

    static Tensor unary(Unary op, Tensor x) {
        Tensor out = new Tensor(x.shape, x.dtype, x.device, x.backend().unary(op, x.dtype, x.buffer));
        if (!Autograd.active()) return out;
        return Autograd.record(op.label, out, new Tensor[] {x}, (g, n) -> new Tensor[] {switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(out);
            case LOG -> g.div(x);
            case SQRT -> g.div(out.mul(2));
            // NOTE: gradient 0 at x = 0, as TF and PyTorch. sign(relu(x)) is mask(x > 0) (0 for NaN
            // and -0 too) in one pass instead of compare and cast; a constant, so HVPs still work. (The
            // one-pass reluGrad measured 7% slower on the seed's small layers: the mul kernel is tuned.)
            case RELU -> g.mul(new Tensor(x.shape, x.dtype, x.device, x.backend().unary(Unary.SIGN, x.dtype, out.buffer)));
            case ABS -> g.mul(x.sign());
            case SIGN -> Tensor.fullLike(g, 0);
            case TANH -> g.mul(out.mul(out).neg().add(1));        // 1 - tanh^2, from the output
            case SIGMOID -> g.mul(out.mul(out.neg().add(1)));     // s (1 - s)
        }});
    }

    /** g * sign(out) for out = relu(...); linear in g, whose gradient is the same mask again. */
    static Tensor reluGrad(Tensor g, Tensor out) {
        Tensor r = new Tensor(g.shape, g.dtype, g.device, g.backend().reluGrad(g.dtype, g.buffer, out.buffer));
        if (!Autograd.active()) return r;
        return Autograd.record("relu_grad", r, new Tensor[] {g}, (d, n) -> new Tensor[] {reluGrad(d, out)});
    }

    /** relu(x + bias) with bias along the last axis, one op (a layer's bias and activation). */
    static Tensor biasRelu(Tensor x, Tensor bias) {
        sameDevice("biasRelu", x, bias);
        if (x.rank() < 1 || bias.rank() != 1 || bias.shape[0] != x.shape[x.rank() - 1] || x.dtype != bias.dtype) {
            throw new IllegalArgumentException("biasRelu: bias " + Shapes.format(bias.shape) + " " + bias.dtype
                    + " must match the last axis of " + Shapes.format(x.shape) + " " + x.dtype);
        }
        Tensor out = new Tensor(x.shape, x.dtype, x.device, x.backend().biasRelu(x.dtype, x.buffer, x.shape, bias.buffer));
        if (!Autograd.active()) return out;
        return Autograd.record("bias_relu", out, new Tensor[] {x, bias}, (g, n) -> {
            Tensor dx = reluGrad(g, out);
            return new Tensor[] {dx, n[1] ? sumTo(dx, bias) : null};
        });
    }

    static Tensor binary(Binary op, Tensor a, Tensor b) {
        int[] shape = broadcast(op.label, a, b);
        if (!a.dtype.isFloating() && op == Binary.POW) {
            throw new IllegalArgumentException("pow: needs float tensors, got " + a.dtype);
        }
        Tensor out = new Tensor(shape, a.dtype, a.device,
                a.backend().binary(op, a.dtype, a.buffer, a.shape, b.buffer, b.shape, shape));
        if (!Autograd.active()) return out;
        return Autograd.record(op.label, out, new Tensor[] {a, b}, (g, n) -> switch (op) {
            case ADD -> new Tensor[] {n[0] ? sumTo(g, a) : null, n[1] ? sumTo(g, b) : null};
            case SUB -> new Tensor[] {n[0] ? sumTo(g, a) : null, n[1] ? sumTo(g.neg(), b) : null};
            case MUL -> new Tensor[] {n[0] ? sumTo(g.mul(b), a) : null, n[1] ? sumTo(g.mul(a), b) : null};
            case DIV -> new Tensor[] {n[0] ? sumTo(g.div(b), a) : null,
                    n[1] ? sumTo(g.mul(out).div(b).neg(), b) : null};
            case POW -> new Tensor[] {n[0] ? sumTo(g.mul(b).mul(a.pow(b.sub(1))), a) : null,
                    n[1] ? sumTo(g.mul(out).mul(a.log()), b) : null};
            // ties go to the first input, as TF
            case MAXIMUM -> split(g, a, b, a.greaterEqual(b), n);
            case MINIMUM -> split(g, a, b, a.lessEqual(b), n);
            default -> throw new IllegalStateException(op.label + " has no gradient");
        });
    }

    private static Tensor[] split(Tensor g, Tensor a, Tensor b, Tensor firstWins, boolean[] n) {
        Tensor m = mask(firstWins, g);
        return new Tensor[] {n[0] ? sumTo(g.mul(m), a) : null, n[1] ? sumTo(g.sub(g.mul(m)), b) : null};
    }

    static Tensor compare(Binary op, Tensor a, Tensor b) {
        int[] shape = broadcast(op.label, a, b);
        return new Tensor(shape, DType.BOOL, a.device, a.backend().binary(op, a.dtype, a.buffer, a.shape, b.buffer, b.shape, shape));
    }

    static Tensor clip(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clip: lo " + lo + " is above hi " + hi);
        }
        Tensor out = new Tensor(x.shape, x.dtype, x.device, x.backend().clip(x.dtype, x.buffer, lo, hi));
        if (!Autograd.active()) return out;
        return Autograd.record("clip", out, new Tensor[] {x},
                (g, n) -> new Tensor[] {g.mul(mask(x.greaterEqual(lo), g)).mul(mask(x.lessEqual(hi), g))});
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be bool (a comparison's result), got " + cond.dtype);
        }
        int[] ab = broadcast("where", a, b);
        int[] shape = Shapes.broadcast(cond.shape, ab);
        if (shape == null || cond.device != a.device) {
            throw new IllegalArgumentException("where: condition " + Shapes.format(cond.shape) + " on " + cond.device
                    + " does not fit values " + Shapes.format(ab) + " on " + a.device);
        }
        Tensor out = new Tensor(shape, a.dtype, a.device,
                a.backend().where(a.dtype, cond.buffer, cond.shape, a.buffer, a.shape, b.buffer, b.shape, shape));
        if (!Autograd.active()) return out;
        return Autograd.record("where", out, new Tensor[] {a, b}, (g, n) -> {
            Tensor zero = Tensor.fullLike(g, 0);
            return new Tensor[] {n[0] ? sumTo(where(cond, g, zero), a) : null, n[1] ? sumTo(where(cond, zero, g), b) : null};
        });
    }

    static Tensor cast(Tensor x, DType to) {
        if (to == x.dtype) return x;
        Tensor out = new Tensor(x.shape, to, x.device, x.backend().cast(x.dtype, x.buffer, to));
        if (!Autograd.active() || !x.dtype.isFloating()) return out;
        return Autograd.record("cast", out, new Tensor[] {x}, (g, n) -> new Tensor[] {g.cast(x.dtype)});
    }

    /** A bool tensor as 0/1 in {@code like}'s dtype: a constant, so no gradient flows through it. */
    static Tensor mask(Tensor bool, Tensor like) {
        return new Tensor(bool.shape, like.dtype, bool.device, bool.backend().cast(DType.BOOL, bool.buffer, like.dtype));
    }

    /** Sums a broadcast gradient back to {@code x}'s shape. */
    static Tensor sumTo(Tensor g, Tensor x) {
        if (java.util.Arrays.equals(g.shape, x.shape)) return g;
        int lead = g.shape.length - x.shape.length;
        int[] axes = new int[g.shape.length];
        int count = 0;
        for (int d = 0; d < g.shape.length; d++) {   // loops, not streams, on the per-op path: see Reductions
            if (d < lead || (x.shape[d - lead] == 1 && g.shape[d] != 1)) axes[count++] = d;
        }
        return Reductions.sum(g, java.util.Arrays.copyOf(axes, count), true).reshape(x.shape);
    }

    /** Checks device and dtype agreement and returns the broadcast shape. */
    static int[] broadcast(String op, Tensor a, Tensor b) {
        sameDevice(op, a, b);
        if (a.dtype != b.dtype) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype + " and " + b.dtype + " differ; cast one with cast(DType)");
        }
        int[] shape = Shapes.broadcast(a.shape, b.shape);
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.format(a.shape) + " and "
                    + Shapes.format(b.shape) + " cannot be broadcast");
        }
        return shape;
    }

    static void sameDevice(String op, Tensor a, Tensor b) {
        if (a.device != b.device) {
            throw new IllegalArgumentException(op + ": tensors on " + a.device + " and " + b.device
                    + "; move one with to(device)");
        }
    }
}
