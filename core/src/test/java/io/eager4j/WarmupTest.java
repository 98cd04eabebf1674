package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupTest {

    @Test
    void trainsToTheEndOnItsOwnThreadAndLeavesTheCallersGeneratorAlone() throws Exception {
        for (boolean traced : new boolean[] {false, true}) {
            Rng.setSeed(5);
            Rng mine = Rng.current();
            long offset = mine.offset();
            boolean[] done = new boolean[1];
            Thread t = Thread.ofPlatform().start(() -> done[0] = Warmup.run(traced));
            t.join(120_000);
            assertTrue(done[0], "the warm-up must run to the end without an error" + (traced ? ", its traced replays too" : ""));
            assertEquals(offset, mine.offset(), "the warm-up draws from its own thread's generators only");
            assertEquals(mine, Rng.current());
        }
    }
}
