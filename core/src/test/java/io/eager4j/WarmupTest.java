package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupTest {

    @Test
    void trainsToTheEndOnItsOwnThreadAndLeavesTheCallersGeneratorAlone() throws Exception {
        for (boolean[] mode : new boolean[][] {{false, false}, {false, true}, {true, true}}) {   // traced, conv
            boolean traced = mode[0], conv = mode[1];
            Rng.setSeed(5);
            Rng mine = Rng.current();
            long offset = mine.offset();
            boolean[] done = new boolean[1];
            Thread t = Thread.ofPlatform().start(() -> done[0] = Warmup.run(traced, conv));
            t.join(120_000);
            assertTrue(done[0], "the warm-up must run to the end without an error" + (traced ? ", its traced replays too" : "")
                    + (conv ? ", its CNN steps too" : ""));
            assertEquals(offset, mine.offset(), "the warm-up draws from its own thread's generators only");
            assertEquals(mine, Rng.current());
        }
    }
}
