package io.eager4j;

import java.util.function.Function;

/**
 * Checks a function's tape gradients against float64 central differences, in one call. Use it on
 * your own custom ops:
 * <pre>{@code
 * GradientCheck.Result r = GradientCheck.check(in -> in[0].mul(in[0]).sum(), Tensor.of(new double[] {1, 2}));
 * if (!r.passed()) throw new AssertionError(r);
 * }</pre>
 * Inputs are cast to float64. A non-scalar output is reduced with fixed random weights, which tests
 * the whole vector-Jacobian product.
 */
public final class GradientCheck {
    private static final double EPS = 1e-6;

    private GradientCheck() {}

    /** Worst disagreement found, where, and whether it is within {@code atol + rtol * |numeric|}. */
    public record Result(double maxError, String worst, boolean passed) {
        @Override
        public String toString() {
            return (passed ? "gradients match" : "gradients differ") + "; worst: " + worst;
        }
    }

    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-6, 1e-5, inputs);
    }

    public static Result check(Function<Tensor[], Tensor> f, double atol, double rtol, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = inputs[i].dtype.isFloating() ? inputs[i].stopGradient().cast(DType.FLOAT64) : inputs[i];
        }
        Tensor[] analytic;
        Tensor weights;
        try (var tape = new GradientTape(false, false)) {
            for (Tensor t : x) if (t.dtype.isFloating()) tape.watch(t);
            Tensor y = f.apply(x);
            weights = new Rng(12345).uniform(DType.FLOAT64, 0.5, 1.5, y.shape);
            analytic = tape.gradient(weighted(y, weights), x);
        }
        Function<Tensor[], Tensor> scalar = in -> weighted(f.apply(in), weights);
        double worstScore = 0, worstErr = 0;
        String worst = "none";
        boolean passed = true;
        for (int i = 0; i < x.length; i++) {
            if (!x[i].dtype.isFloating()) continue;
            double[] base = x[i].toDoubleArray();
            double[] a = analytic[i] == null ? new double[base.length] : analytic[i].toDoubleArray();
            for (int e = 0; e < base.length; e++) {
                double numeric = (value(scalar, x, i, base, e, EPS) - value(scalar, x, i, base, e, -EPS)) / (2 * EPS);
                double err = Math.abs(a[e] - numeric), allowed = atol + rtol * Math.abs(numeric);
                double score = err / allowed;
                if (!(score <= worstScore)) {   // NaN counts as worst
                    worstScore = Double.isNaN(score) ? Double.POSITIVE_INFINITY : score;
                    worstErr = err;
                    worst = "input " + i + " element " + e + ": tape " + a[e] + ", numeric " + numeric
                            + (analytic[i] == null ? " (no gradient returned)" : "");
                }
                boolean bad = !(err <= allowed);
                passed &= !bad;
            }
        }
        return new Result(worstErr, worst, passed);
    }

    private static Tensor weighted(Tensor y, Tensor weights) {
        return y.cast(DType.FLOAT64).mul(weights).sum();
    }

    private static double value(Function<Tensor[], Tensor> scalar, Tensor[] x, int i, double[] base, int e, double h) {
        double[] moved = base.clone();
        moved[e] += h;
        Tensor[] in = x.clone();
        in[i] = Tensor.of(moved, x[i].shape).to(x[i].device);
        try (var ng = GradientTape.noGrad()) {
            return scalar.apply(in).item();
        }
    }
}
