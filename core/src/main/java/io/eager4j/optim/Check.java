package io.eager4j.optim;

/** Argument checks shared by the optimizers. */
final class Check {
    private Check() {}

    static double positive(String opt, String what, double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(opt + ": " + what + " must be positive and finite, got " + x);
        }
        return x;
    }

    static double fraction(String opt, String what, double x) {
        if (!(x >= 0 && x < 1)) {
            throw new IllegalArgumentException(opt + ": " + what + " must be in [0, 1), got " + x);
        }
        return x;
    }
}
