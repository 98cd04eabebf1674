package io.eager4j.cli;

import io.eager4j.Rng;
import io.eager4j.Variable;
import io.eager4j.examples.Checkpointing;
import io.eager4j.io.Checkpoints;
import io.eager4j.io.SafeTensors;
import io.eager4j.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --checkpoint-every N} and {@code --resume FILE}: a run's whole state every N steps, so
 * an interrupted run continues where it stopped and ends with the parameters it would have had.
 * The file holds the variables and the optimizer's slots (the io module's layout) and, in its
 * metadata, the steps done and the random stream's position; the data order follows from --seed,
 * --batch-size and the steps done, which resuming checks. Only the chief replica writes.
 * <pre>{@code
 * bin/eager4j train-mnist --checkpoint-every 500 --checkpoint run.safetensors
 * bin/eager4j train-mnist --resume run.safetensors          # the same flags otherwise
 * }</pre>
 */
final class RunState implements Checkpointing {
    static final String DONE = "run.steps-done", SEED = "run.seed", BATCH = "run.batch-size", MODEL = "run.model",
            RNG_SEED = "rng.seed", RNG_OFFSET = "rng.offset";

    private final String model;
    private final long seed;
    private final int batchSize;
    private final Path file;      // where checkpoints go, or null
    private final int every;      // 0: none
    private final Path resume;    // or null
    private final boolean writes;
    private int resumedAt;        // steps the resumed run had done

    RunState(String model, long seed, int batchSize, Path file, int every, Path resume, boolean writes) {
        this.model = model;
        this.seed = seed;
        this.batchSize = batchSize;
        this.file = file;
        this.every = every;
        this.resume = resume;
        this.writes = writes;
    }

    @Override
    public int resume(Map<String, Variable> state, Optimizer optimizer) {
        if (resume == null) return 0;
        Map<String, String> meta;
        try {
            meta = SafeTensors.read(resume).metadata();
            if (!meta.containsKey(DONE)) {
                throw new IllegalArgumentException("--resume " + resume + " holds no run state (it was written by --save, not"
                        + " --checkpoint-every); use --restore to start from its weights");
            }
            check(meta, MODEL, model, "a " + meta.get(MODEL) + " run");
            check(meta, SEED, Long.toString(seed), "--seed " + meta.get(SEED));
            check(meta, BATCH, Integer.toString(batchSize), "--batch-size " + meta.get(BATCH));
            Checkpoints.restore(resume, state, optimizer);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("--resume") ? e : new IllegalArgumentException("--resume " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Rng.restore(Long.parseLong(meta.get(RNG_SEED)), Long.parseLong(meta.get(RNG_OFFSET)));
        resumedAt = Integer.parseInt(meta.get(DONE));
        return resumedAt;
    }

    /** The steps a resumed run had done before this one (0 for a fresh run): this run's rate counts the rest only. */
    int resumedAt() {
        return resumedAt;
    }

    private void check(Map<String, String> meta, String key, String expected, String saved) {
        if (!expected.equals(meta.get(key))) {
            throw new IllegalArgumentException("--resume " + resume + " was saved by " + saved + "; resume it with the flags it"
                    + " was started with (this run has " + key.substring(4) + " " + expected + ")");
        }
    }

    @Override
    public void after(int done, Map<String, Variable> state, Optimizer optimizer) {
        if (every == 0 || done % every != 0 || !writes) return;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MODEL, model);
        meta.put(SEED, Long.toString(seed));
        meta.put(BATCH, Integer.toString(batchSize));
        meta.put(DONE, Integer.toString(done));
        meta.put(RNG_SEED, Long.toString(Rng.current().seed()));
        meta.put(RNG_OFFSET, Long.toString(Rng.current().offset()));
        try {
            Checkpoints.save(file, state, optimizer, meta);   // atomic: a crash mid-write keeps the previous one
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
