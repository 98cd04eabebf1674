package io.eager4j.cli;

import io.eager4j.examples.SeedMnist;
import io.eager4j.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Records every step's loss and batch accuracy for {@code --metrics} (CSV) and {@code --plot}.
 * <pre>{@code
 * Metrics m = new Metrics();
 * m.step(0, 2.30, 0.09);
 * m.writeCsv(Path.of("metrics.csv"));   // step,loss,batch_accuracy / 0,2.3,0.09
 * }</pre>
 */
final class Metrics implements SeedMnist.Listener {
    static final String HEADER = "step,loss,batch_accuracy";

    private int[] steps = new int[1024];
    private float[] loss = new float[1024];
    private float[] accuracy = new float[1024];
    private int count;

    @Override
    public boolean needsBatchAccuracy() {
        return true;
    }

    @Override
    public void step(int step, double lossValue, double batchAccuracy) {
        if (count == steps.length) {
            steps = Arrays.copyOf(steps, count * 2);
            loss = Arrays.copyOf(loss, count * 2);
            accuracy = Arrays.copyOf(accuracy, count * 2);
        }
        steps[count] = step;
        loss[count] = (float) lossValue;   // the model computes in float32: print what it had
        accuracy[count] = (float) batchAccuracy;
        count++;
    }

    int count() {
        return count;
    }

    int stepAt(int i) {
        return steps[i];
    }

    float lossAt(int i) {
        return loss[i];
    }

    float accuracyAt(int i) {
        return accuracy[i];
    }

    /** Header, then one line per step; replaces {@code file} atomically. */
    void writeCsv(Path file) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < count; i++) {
            b.append(steps[i]).append(',').append(loss[i]).append(',').append(accuracy[i]).append('\n');
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes));
    }
}
