package io.eager4j.cli;

import io.eager4j.data.Dataset;
import io.eager4j.data.RealData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the eager4j command in this JVM and keeps what it printed; finds the test data. */
final class Cli {
    record Run(int code, String out, String err) {}

    private Cli() {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** The real MNIST folder ({@code $EAGER4J_DATA}); absent, the test skips, or fails under {@code EAGER4J_REQUIRE_DATA=1}. */
    static Path mnist() {
        return RealData.folder(Dataset.MNIST, "EAGER4J_DATA", null);
    }
}
