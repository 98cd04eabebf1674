package io.eager4j.examples;

import io.eager4j.Variable;
import io.eager4j.optim.Optimizer;
import java.util.Map;

/**
 * A run's saved state: where {@link SeedMnist} and {@link MnistCnn} resume from and what they save
 * as they go (the command line's {@code --resume} and {@code --checkpoint-every}). A state is the
 * model's variables by name, the optimizer's slots and step count, and the steps done; the data
 * order and the random stream are functions of the seed and the steps done.
 * <pre>{@code
 * int first = checkpoints.resume(model.namedVariables(), adam);   // 0 for a fresh run
 * for (int step = first; step < steps; step++) { ...; checkpoints.after(step + 1, model.namedVariables(), adam); }
 * }</pre>
 */
public interface Checkpointing {
    /** Neither resumes nor saves. */
    Checkpointing NONE = new Checkpointing() {
        @Override
        public int resume(Map<String, Variable> state, Optimizer optimizer) {
            return 0;
        }

        @Override
        public void after(int done, Map<String, Variable> state, Optimizer optimizer) {}
    };

    /** Puts a saved state into the variables, the optimizer and the random stream; returns its steps done (0: none). */
    int resume(Map<String, Variable> state, Optimizer optimizer);

    /** After each step, {@code done} counting the steps finished: saves when it is time. */
    void after(int done, Map<String, Variable> state, Optimizer optimizer);
}
