package io.eager4j.io;

import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.nn.Layer;
import io.eager4j.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Layer}'s variables (parameters and state, by their dotted names) in a safetensors file,
 * and optionally an optimizer's slots beside them ({@code optimizer/<name>/slot<i>}) with its step
 * count. Written atomically; restoring checks every name, dtype and shape first and lists every
 * difference in one message, changing nothing unless all fit.
 * <pre>{@code
 * Checkpoints.save(Path.of("cnn.safetensors"), model, adam);
 * Checkpoints.restore(Path.of("cnn.safetensors"), model, adam);   // resumes where it stopped
 * }</pre>
 */
public final class Checkpoints {
    private Checkpoints() {}

    static final String SLOTS = "optimizer/", STEPS = "optimizer.steps";

    public static void save(Path file, Layer model) throws IOException {
        save(file, model, null);
    }

    /** With {@code optimizer} non-null, its slots and step count are saved too. */
    public static void save(Path file, Layer model, Optimizer optimizer) throws IOException {
        save(file, model.namedVariables(), optimizer, Map.of("model", model.getClass().getSimpleName()));
    }

    /**
     * Variables by name (and with {@code optimizer} non-null, its slots and step count), with
     * {@code metadata}: what any training loop saves to resume from.
     */
    public static void save(Path file, Map<String, Variable> vars, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : vars.entrySet()) tensors.put(e.getKey(), e.getValue().value());
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (optimizer != null) {
            for (var e : optimizer.slotTensors(vars).entrySet()) tensors.put(SLOTS + e.getKey(), e.getValue());
            meta.put(STEPS, Long.toString(optimizer.steps()));
        }
        SafeTensors.write(file, tensors, meta);
    }

    public static void restore(Path file, Layer model) throws IOException {
        restore(file, model, null);
    }

    /**
     * Assigns every variable the file's tensor of its name (and with {@code optimizer}, its slots
     * and step count). Throws IllegalArgumentException naming the file and every mismatch.
     */
    public static void restore(Path file, Layer model, Optimizer optimizer) throws IOException {
        restore(file, model.namedVariables(), optimizer);
    }

    /** {@link #restore(Path, Layer, Optimizer)} for variables by name; returns the file's metadata. */
    public static Map<String, String> restore(Path file, Map<String, Variable> vars, Optimizer optimizer) throws IOException {
        SafeTensors.Contents saved = SafeTensors.read(file);
        Map<String, Tensor> weights = new LinkedHashMap<>(), slots = new LinkedHashMap<>();
        for (var e : saved.tensors().entrySet()) {
            if (e.getKey().startsWith(SLOTS)) slots.put(e.getKey().substring(SLOTS.length()), e.getValue());
            else weights.put(e.getKey(), e.getValue());
        }
        List<String> problems = mismatches(weights, vars);
        if (optimizer != null && !saved.metadata().containsKey(STEPS)) problems.add("it holds no optimizer state (saved without one)");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not fit the model: " + String.join("; ", problems));
        }
        for (var e : vars.entrySet()) e.getValue().assign(weights.get(e.getKey()).to(e.getValue().device()));
        if (optimizer != null) optimizer.restoreSlots(vars, slots, Long.parseLong(saved.metadata().get(STEPS)));
        return saved.metadata();
    }

    /** Every difference between saved tensors and a model's variables: missing, extra, dtype, shape. */
    public static List<String> mismatches(Map<String, Tensor> saved, Map<String, Variable> model) {
        List<String> problems = new ArrayList<>();
        Map<String, Tensor> left = new LinkedHashMap<>(saved);
        for (var e : model.entrySet()) {
            String name = e.getKey();
            Variable v = e.getValue();
            Tensor t = left.remove(name);
            if (t == null) {
                problems.add("it has no tensor '" + name + "'");
            } else if (t.dtype() != v.dtype()) {
                problems.add(name + " is " + t.dtype() + " in the file but " + v.dtype() + " in the model");
            } else if (!Arrays.equals(t.shape(), v.shape())) {
                problems.add(name + " has shape " + Arrays.toString(t.shape()) + " in the file but " + Arrays.toString(v.shape()) + " in the model");
            }
        }
        for (String extra : left.keySet()) problems.add("it holds '" + extra + "', which the model does not have");
        return problems;
    }
}
