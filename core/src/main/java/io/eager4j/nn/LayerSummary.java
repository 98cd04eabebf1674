package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Keras-like summaries: one forward pass of a single zero example, noting each layer's output shape. */
final class LayerSummary {
    private LayerSummary() {}

    private record Row(Layer layer, int[] shape) {}

    private static final ThreadLocal<List<Row>> ROWS = new ThreadLocal<>();

    static void record(Layer layer, Tensor out) {
        List<Row> rows = ROWS.get();
        if (rows != null) rows.add(new Row(layer, out.shape()));
    }

    /** Whether this thread is running a summary's forward pass (layers then run one by one, each noted). */
    static boolean active() {
        return ROWS.get() != null;
    }

    static String of(Layer model, int[] inputShape, DType dtype) {
        Map<String, Layer> paths = model.tree();
        IdentityHashMap<Layer, String> names = new IdentityHashMap<>();
        for (var e : paths.entrySet()) names.put(e.getValue(), e.getKey().isEmpty() ? "(model)" : e.getKey().substring(0, e.getKey().length() - 1));
        int[] shape = new int[inputShape.length + 1];
        shape[0] = 1;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        boolean wasTraining = model.isTraining();
        List<Row> rows = new ArrayList<>();
        ROWS.set(rows);
        Tensor out;
        try (var ng = io.eager4j.GradientTape.noGrad()) {
            model.eval();
            out = model.apply(Tensor.zeros(dtype, shape));
        } finally {
            ROWS.remove();
            if (wasTraining) model.train();
        }
        StringBuilder s = new StringBuilder(String.format("%-28s %-22s %10s%n", "Layer (type)", "Output shape", "Param #"));
        for (Row r : rows) {
            String name = names.getOrDefault(r.layer(), "?") + " (" + r.layer().getClass().getSimpleName() + ")";
            s.append(String.format("%-28s %-22s %10d%n", name, batchless(r.shape()), r.layer().countParameters()));
        }
        long trainable = 0, state = 0;
        for (var v : model.namedParameters().values()) trainable += v.size();
        for (var v : model.namedState().values()) state += v.size();
        s.append(String.format("Output: %s; parameters: %,d trainable, %,d non-trainable%n", batchless(out.shape()), trainable, state));
        System.out.print(s);
        return s.toString();
    }

    private static String batchless(int[] shape) {
        StringBuilder s = new StringBuilder("[None");
        for (int i = 1; i < shape.length; i++) s.append(", ").append(shape[i]);
        return s.append(']').toString();
    }
}
