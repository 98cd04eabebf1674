package io.eager4j;

import io.eager4j.internal.Shapes;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Differentiable ops with a gradient of your own (TF's {@code @tf.custom_gradient}, JAX's
 * {@code custom_vjp}). The forward computes the value from its tensor inputs and returns it with a
 * gradient function; that function gets the upstream gradient and returns one gradient per input,
 * {@code null} where an input needs none. Non-tensor arguments are captured by the closure.
 * <pre>{@code
 * static Tensor softmaxLoss(Tensor logits, Tensor labels) {
 *     return CustomGradient.apply("softmax_loss", in -> {
 *         Tensor e = in[0].clip(-20, 20).exp();
 *         Tensor sm = e.div(e.sum(new int[] {1}, true));
 *         Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
 *         return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]), null});
 *     }, logits, labels);
 * }
 * }</pre>
 * The gradient function is first-order: differentiating through it again (a nested tape) fails
 * with an error naming the op, unless it was declared with {@link #differentiableResult}.
 */
public final class CustomGradient {
    private CustomGradient() {}

    /** The forward of a custom op. */
    @FunctionalInterface
    public interface Forward {
        Result apply(Tensor[] inputs);
    }

    /** A forward's value and the function that maps the upstream gradient to one gradient per input. */
    public record Result(Tensor value, Function<Tensor, Tensor[]> gradient, boolean differentiable) {}

    public static Result result(Tensor value, Function<Tensor, Tensor[]> gradient) {
        return new Result(value, gradient, false);
    }

    /** Declares that the gradient function is itself differentiable (built from differentiable ops). */
    public static Result differentiableResult(Tensor value, Function<Tensor, Tensor[]> gradient) {
        return new Result(value, gradient, true);
    }

    /** Runs {@code forward} on {@code inputs} and records it as one op named {@code name}. */
    public static Tensor apply(String name, Forward forward, Tensor... inputs) {
        Tensor[] in = inputs.clone();
        Result r;
        try (var paused = Autograd.pause()) {   // the forward's inner ops are not on the tape
            r = forward.apply(in);
        }
        if (r == null || r.value() == null) {
            throw new IllegalStateException(name + ": forward returned no value");
        }
        Tensor out = r.value().stopGradient();   // a fresh tensor: the op's own output
        return Autograd.record(name, out, in, (g, needed) -> gradients(name, r, in, out, g));
    }

    private static Tensor[] gradients(String name, Result r, Tensor[] in, Tensor out, Tensor g) {
        Tensor[] gs;
        if (r.differentiable()) {
            gs = r.gradient().apply(g);
        } else {
            try (var paused = Autograd.pause()) {
                gs = r.gradient().apply(g);
            }
        }
        check(name, gs, in);
        if (!r.differentiable() && Autograd.active()) {
            Tensor[] sources = Arrays.copyOf(in, in.length + 2);
            sources[in.length] = g;
            sources[in.length + 1] = out;
            for (int i = 0; i < gs.length; i++) {
                if (gs[i] == null) continue;
                gs[i] = gs[i].stopGradient();
                // an outer tape that tracks this gradient learns it cannot go further
                Autograd.record(name + "_grad", gs[i], sources, (gg, n) -> {
                    throw new IllegalStateException(name + ": its gradient is first-order; declare it with "
                            + "CustomGradient.differentiableResult to take higher-order gradients");
                });
            }
        }
        return gs;
    }

    private static void check(String name, Tensor[] gs, Tensor[] in) {
        if (gs == null || gs.length != in.length) {
            int k = gs == null ? 0 : gs.length;
            throw new IllegalStateException(name + " returned " + k + " gradient" + (k == 1 ? "" : "s")
                    + " for " + in.length + " input" + (in.length == 1 ? "" : "s"));
        }
        for (int i = 0; i < gs.length; i++) {
            if (gs[i] != null && !Arrays.equals(gs[i].shape, in[i].shape)) {
                throw new IllegalStateException(name + ": gradient " + i + " has shape " + Shapes.format(gs[i].shape)
                        + " but input " + i + " has shape " + Shapes.format(in[i].shape));
            }
            if (gs[i] != null && (gs[i].device != in[i].device || gs[i].dtype != in[i].dtype)) {
                throw new IllegalStateException(name + ": gradient " + i + " is " + gs[i].dtype + " on " + gs[i].device
                        + " but input " + i + " is " + in[i].dtype + " on " + in[i].device);
            }
        }
    }
}
