package example;

import io.eager4j.CustomGradient;
import io.eager4j.DType;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A program that depends on eager4j-core alone: a softmax classifier with a custom-gradient loss
 * learns three Gaussian blobs. It exits non-zero unless the loss falls, the accuracy is high and
 * eager4j printed its start-up line naming the GEMM in use.
 */
public final class Consumer {
    private Consumer() {}

    /** The seed's softmax loss as a custom op with a hand-written gradient. */
    static Tensor softmaxLoss(Tensor logits, Tensor labels) {
        return CustomGradient.apply("softmax_loss", in -> {
            Tensor e = in[0].clip(-20, 20).exp();
            Tensor sm = e.div(e.sum(new int[] {1}, true));
            Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
            return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]).mul(dy).div(in[1].shape()[0] * 3), null});
        }, logits, labels);
    }

    public static void main(String[] args) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(new OutputStream() {   // keep what eager4j prints, and show it
            @Override
            public void write(int b) {
                seen.write(b);
                stderr.write(b);
            }
        }, true));

        int n = 150;
        java.util.Random r = new java.util.Random(1);
        double[] points = new double[n * 2];
        int[] classes = new int[n];
        double[][] centres = {{0, 3}, {3, -2}, {-3, -2}};
        for (int i = 0; i < n; i++) {
            classes[i] = i % 3;
            points[2 * i] = centres[i % 3][0] + r.nextGaussian();
            points[2 * i + 1] = centres[i % 3][1] + r.nextGaussian();
        }
        Tensor x = Tensor.of(points, n, 2).cast(DType.FLOAT32);
        Tensor y = Tensor.of(classes, n).oneHot(3).cast(DType.FLOAT32);

        Rng.setSeed(0);
        Variable w = Variable.create("W", 2, 3), b = Variable.create("b", 3);
        Adam adam = new Adam(0.1);
        double first = 0, last = 0;
        for (int step = 0; step < 100; step++) {
            last = adam.minimize(() -> softmaxLoss(x.matmul(w).add(b), y)).item();
            if (step == 0) first = last;
        }
        double accuracy = x.matmul(w).add(b).argmax(1).equal(Tensor.of(classes, n)).cast(DType.FLOAT32).mean().item();
        System.out.println("consumer: loss " + first + " -> " + last + ", accuracy " + accuracy);

        String line = seen.toString().lines().filter(l -> l.startsWith("eager4j: GEMM = ")).findFirst().orElse(null);
        if (line == null) fail("eager4j printed no start-up line naming its GEMM; stderr was:\n" + seen);
        if (!(last < 0.5 * first)) fail("the loss did not fall: " + first + " -> " + last);
        if (!(accuracy >= 0.9)) fail("accuracy " + accuracy + " after 100 steps");
        System.out.println("consumer: OK (" + line.substring("eager4j: ".length()) + ")");
    }

    private static void fail(String why) {
        System.out.println("consumer: FAILED: " + why);
        System.exit(1);
    }
}
