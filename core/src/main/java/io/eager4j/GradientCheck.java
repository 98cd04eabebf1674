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

    /**
     * Worst disagreement found, where, whether it is within {@code atol + rtol * |numeric|}, and on
     * failure a note on how to read the numbers (empty when it passed).
     */
    public record Result(double maxError, String worst, boolean passed, String note) {
        public Result(double maxError, String worst, boolean passed) {
            this(maxError, worst, passed, "");
        }

        @Override
        public String toString() {
            return (passed ? "gradients match" : "gradients differ") + "; worst: " + worst + (note.isEmpty() ? "" : "; " + note);
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
        Tensor weights;
        Tensor[] analytic;
        try (var tape = new GradientTape(false, false)) {
            for (Tensor t : x) if (t.dtype.isFloating()) tape.watch(t);
            Tensor y = f.apply(x);
            weights = new Rng(12345).uniform(DType.FLOAT64, 0.5, 1.5, y.shape).to(y.device);   // where y is: checks run on a GPU too
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
        return new Result(worstErr, worst, passed, passed ? "" : note(f, weights, analytic, x));
    }

    /**
     * How to read a failure: the random weighting, and whether the gradient ignored dy (found by
     * taking it again with dy doubled, only once a check has failed).
     */
    private static String note(Function<Tensor[], Tensor> f, Tensor weights, Tensor[] analytic, Tensor[] x) {
        Tensor[] doubled;
        try (var tape = new GradientTape(false, false)) {
            for (Tensor t : x) if (t.dtype.isFloating()) tape.watch(t);
            doubled = tape.gradient(weighted(f.apply(x), weights.mul(2)), x);
        }
        String how = weights.rank() == 0
                ? "the values are of the output times a random weight " + weights.item()
                        + " (divide the numeric value by it for the output's own derivative)"
                : "the values are of sum(w * output) with random weights w in [0.5, 1.5), which tests the whole"
                        + " vector-Jacobian product";
        boolean ignoresDy = false, any = false;
        for (int i = 0; i < x.length; i++) {
            if (analytic[i] == null || !x[i].dtype.isFloating()) continue;
            double[] a = analytic[i].toDoubleArray(), b = doubled[i].toDoubleArray();
            for (int e = 0; e < a.length; e++) any |= a[e] != 0;
            ignoresDy = java.util.Arrays.equals(a, b);
            if (!ignoresDy) break;
        }
        if (any && ignoresDy) {
            how += "; the gradient function seems to ignore its upstream gradient dy (its result did not change when dy"
                    + " was doubled): multiply by dy, unless that is on purpose (the seed's sm - y is)";
        }
        return how;
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
