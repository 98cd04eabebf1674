package io.eager4j.cli;

import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.io.Checkpoints;
import io.eager4j.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --save} and {@code --restore}: a model's variables as a safetensors file, by name. Restoring
 * checks that the names, dtypes and shapes match the model and lists every difference at once.
 * <pre>{@code
 * Checkpoint.save(Path.of("model.safetensors"), List.of(w0, b0), Map.of("hidden", "150"));
 * Checkpoint.restore(SafeTensors.read(file), file, List.of(w0, b0));
 * }</pre>
 */
final class Checkpoint {
    private Checkpoint() {}

    /** Atomic: a failed save leaves a previous file intact. */
    static void save(Path file, List<Variable> vars, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Variable v : vars) {
            tensors.put(v.name(), v.value());
        }
        SafeTensors.write(file, tensors, metadata);
    }

    /** Assigns each variable the checkpoint's tensor of the same name, or fails saying what differs. */
    static void restore(SafeTensors.Contents saved, Path file, List<Variable> vars) {
        Map<String, Variable> byName = new LinkedHashMap<>();
        for (Variable v : vars) byName.put(v.name(), v);
        List<String> problems = Checkpoints.mismatches(saved.tensors(), byName);
        if (!problems.isEmpty()) {
            String hidden = saved.metadata().get("hidden");
            String hint = hidden != null && problems.stream().anyMatch(p -> p.contains("shape"))
                    ? " (it was saved with --hidden " + hidden + ")" : "";
            throw new IllegalArgumentException("--restore " + file + " does not fit the model: "
                    + String.join("; ", problems) + hint);
        }
        for (Variable v : vars) {
            v.assign(saved.tensors().get(v.name()).to(v.device()));
        }
    }
}
