package io.eager4j.spark;

import io.eager4j.cli.Replica;
import io.eager4j.examples.SeedMnist;
import io.eager4j.parallel.AllReduce;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;

/**
 * A worker of {@code train-mnist --spark}: runs the driver's command line as one replica. Worker 0's
 * output travels to the driver; every worker reports its process id and steps done there; a worker
 * whose command fails throws its one-line error, which fails the barrier stage.
 */
record CommandReplica(String[] args, String channel) implements SparkTrainer.Replica<Integer> {
    @Override
    public Integer train(AllReduce comm) throws Exception {
        int rank = comm.rank();
        try (Channel.Client driver = new Channel.Client(channel, rank)) {
            SeedMnist.Listener steps = (step, loss, accuracy) -> driver.stepsDone(step + 1, loss);
            PrintWriter out = rank == 0 ? driver.output() : new PrintWriter(Writer.nullWriter());
            StringWriter errors = new StringWriter();
            int status = Replica.run(args, comm, steps, out, new PrintWriter(errors, true));
            out.flush();
            if (status != 0) {
                String said = errors.toString().lines().filter(l -> l.startsWith("eager4j: ")).reduce((a, b) -> b)
                        .map(l -> l.substring(9)).orElse("exited with status " + status);
                throw new IllegalStateException("worker " + rank + ": " + said);
            }
            return status;
        }
    }
}
