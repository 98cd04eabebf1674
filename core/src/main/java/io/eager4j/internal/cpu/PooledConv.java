package io.eager4j.internal.cpu;

import io.eager4j.internal.Alloc;
import io.eager4j.internal.Window;
import java.util.Arrays;

/**
 * maxPool2d(relu(conv2d(x, f) + bias)) and its gradients with the convolution's output never
 * written to memory: each tile of images is convolved into this thread's scratch (one image at a time
 * where {@link FastWindows#direct} holds), still in cache when it is pooled, and the backward
 * rebuilds that tile's dz from the pooled gradient in scratch, then takes the filter, bias and input
 * gradients from it. For the CNN that is 19 MB a step not written and read back, 45 MB not
 * allocated. Pooling windows must not overlap (each convolution output in one window at most).
 * The values are the composition's: the same kernels on the same tiles, maxima and ties as
 * {@link FastWindows#maxPool}, dz as max pooling's gradient through the ReLU's mask.
 */
final class PooledConv {
    private final FastWindows windows;

    PooledConv(FastWindows windows) {
        this.windows = windows;
    }

    /** {pooled, argmax}: argmax holds the flat index, into the convolution's output, of each window's first maximum. */
    Object[] forward(float[] x, float[] f, float[] bias, Window g, Window pool, int co) {
        float[] out = Alloc.floatsOverwritten(pool.positions() * co);
        int[] arg = Alloc.ints(out.length);
        int per = g.oh() * g.ow(), tile = windows.tile(g), pooled = pool.oh() * pool.ow();
        boolean direct = windows.direct(g, co), vector = windows.vectorRows(co), inRegisters = direct && PaddedConv.poolsInRegisters(g, pool);
        float[] u = windows.winogradFilter(f, g, co);
        windows.workers.run(windows.tiles(g, tile), t -> {
            int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
            if (inRegisters) {   // conv1's: not even an image's output is stored
                float[] scratch = windows.scratch(0, PaddedConv.pooledScratch(g));
                for (int b = b0; b < b0 + nb; b++) PaddedConv.forwardPooled(x, f, bias, g, co, out, arg, b, scratch);
                return;
            }
            if (direct) {   // an image's output (conv1's: 100 KB) stays in the core's cache until it is pooled
                float[] y = windows.scratch(1, per * co);
                for (int b = b0; b < b0 + nb; b++) {
                    DirectConv.forward(x, f, bias, g, co, y, b * per * co, b, 1);
                    for (int p = b * pooled; p < (b + 1) * pooled; p++) FastWindows.maxPoolAt(y, b * per * co, pool, p, out, arg, vector);
                }
                return;
            }
            float[] y = windows.scratch(1, nb * per * co);
            windows.tileForward(x, f, u, bias, g, co, b0, nb, y, 0);
            for (int p = b0 * pooled; p < (b0 + nb) * pooled; p++) FastWindows.maxPoolAt(y, b0 * per * co, pool, p, out, arg, vector);
        });
        return new Object[] {out, arg};
    }

    /**
     * {filter gradient, bias gradient, input gradient or null} from dp at the pooled output: dz is dp
     * times the ReLU's mask (pooled > 0; at a window's maximum the pooled value is the ReLU's output)
     * at each window's maximum and 0 elsewhere. The filter and bias sums go per thread slot in a fixed
     * order; {@code wantDx} needs the GEMM path (not {@link FastWindows#direct}).
     */
    float[][] backward(float[] x, float[] f, float[] dp, float[] pooledOut, int[] arg, Window g, Window pool, int co, boolean wantDx) {
        int per = g.oh() * g.ow(), k = g.patch(), filter = k * co, pooled = pool.oh() * pool.ow();
        boolean direct = windows.direct(g, co);
        if (direct && wantDx) throw new IllegalArgumentException("PooledConv: the direct path has no input gradient");
        float[] dx = wantDx ? Alloc.floats(g.n() * g.h() * g.w() * g.c()) : null;
        boolean winograd = windows.throughWinograd(g, co);
        float[] u = wantDx ? windows.winogradFilter(f, g, co) : null;
        int sums = winograd ? Winograd.transformed(g.c(), co) : filter;   // the filter's sums, then the bias's
        float[] all = windows.slotSums(g, sums + co, (acc, b0, nb, accumulate) -> {
            if (!accumulate) Arrays.fill(acc, sums, sums + co, 0f);
            if (direct) {
                float[] dz = windows.scratch(1, per * co), image = windows.scratch(0, PaddedConv.paddedImage(g));
                if (!accumulate) Arrays.fill(acc, 0, filter, 0f);
                for (int b = b0; b < b0 + nb; b++) {
                    rebuild(dp, pooledOut, arg, b * pooled * co, (b + 1) * pooled * co, dz, b * per * co, per * co);
                    PaddedConv.filterGradPadded(x, dz, g, co, acc, sums, b, image);
                }
                return;
            }
            int size = nb * per * co;
            float[] dz = windows.scratch(1, size);
            rebuild(dp, pooledOut, arg, b0 * pooled * co, (b0 + nb) * pooled * co, dz, b0 * per * co, size);
            biasSums(dz, size, co, acc, sums);
            if (winograd) {
                windows.winograd.backward(x, dz, 0, u, g, co, b0, nb, dx, acc, accumulate);
                return;
            }
            windows.tileFilterGrad(x, dz, 0, g, co, b0, nb, acc, accumulate);
            if (wantDx) windows.tileInputGrad(dz, 0, f, g, co, b0, nb, dx);
        });
        float[] df = winograd ? Winograd.filterGradient(all, g.c(), co) : Arrays.copyOf(all, filter);
        return new float[][] {df, Arrays.copyOfRange(all, sums, sums + co), dx};
    }

    /** dz[0, size) for the images whose pooled elements are [from, to): zeros, and each dp times the mask at its maximum. */
    private static void rebuild(float[] dp, float[] pooledOut, int[] arg, int from, int to, float[] dz, int base, int size) {
        Arrays.fill(dz, 0, size, 0f);
        for (int j = from; j < to; j++) dz[arg[j] - base] = dp[j] * (pooledOut[j] > 0f ? 1f : 0f);   // the fast reluGrad's product
    }

    /** The bias gradient's partial sums: dz's rows summed channel by channel, in row order, into acc[at, at + co). */
    private static void biasSums(float[] dz, int size, int co, float[] acc, int at) {
        for (int r = 0; r < size; r += co) {
            for (int j = 0; j < co; j++) acc[at + j] += dz[r + j];
        }
    }
}
