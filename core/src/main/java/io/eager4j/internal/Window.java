package io.eager4j.internal;

/**
 * The geometry of a 2-D window op over NHWC input {@code [n, h, w, c]}: a {@code kh x kw} window
 * moved by {@code sh, sw}, the input padded by {@code padTop, padLeft} (and whatever the bottom and
 * right need), giving {@code [n, oh, ow, .]}. TF's rules: SAME gives {@code ceil(size / stride)}
 * and puts the odd padding row and column at the bottom and right; VALID pads nothing.
 */
public record Window(int n, int h, int w, int c, int kh, int kw, int sh, int sw, int padTop, int padLeft, int oh, int ow) {

    /** The geometry of {@code op} on input {@code x}; errors name the op and the shapes. */
    public static Window of(String op, int[] x, int kh, int kw, int sh, int sw, boolean same) {
        if (x.length != 4) {
            throw new IllegalArgumentException(op + ": input must be NHWC [n, h, w, c], got " + Shapes.format(x));
        }
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw new IllegalArgumentException(op + ": window " + kh + "x" + kw + " and strides " + sh + "x" + sw
                    + " must be positive");
        }
        int h = x[1], w = x[2];
        int oh = same ? ceilDiv(h, sh) : (h >= kh ? (h - kh) / sh + 1 : 0);
        int ow = same ? ceilDiv(w, sw) : (w >= kw ? (w - kw) / sw + 1 : 0);
        if (!same && (h < kh || w < kw)) {
            throw new IllegalArgumentException(op + ": a " + kh + "x" + kw + " window does not fit input " + Shapes.format(x)
                    + " with VALID padding; use SAME or a smaller window");
        }
        int padH = same ? Math.max((oh - 1) * sh + kh - h, 0) : 0, padW = same ? Math.max((ow - 1) * sw + kw - w, 0) : 0;
        return new Window(x[0], h, w, x[3], kh, kw, sh, sw, padH / 2, padW / 2, oh, ow);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Output elements per channel: n x oh x ow. */
    public int positions() {
        return n * oh * ow;
    }

    /** One im2col row: kh x kw x c. */
    public int patch() {
        return kh * kw * c;
    }

    /** Rows [top, bottom) of the input under output row {@code oy}: the window less its padding. */
    public int top(int oy) {
        return Math.max(oy * sh - padTop, 0);
    }

    public int bottom(int oy) {
        return Math.min(oy * sh - padTop + kh, h);
    }

    /** Columns [left, right) of the input under output column {@code ox}. */
    public int left(int ox) {
        return Math.max(ox * sw - padLeft, 0);
    }

    public int right(int ox) {
        return Math.min(ox * sw - padLeft + kw, w);
    }

    public int[] inputShape() {
        return new int[] {n, h, w, c};
    }

    public int[] outputShape(int channels) {
        return new int[] {n, oh, ow, channels};
    }
}
