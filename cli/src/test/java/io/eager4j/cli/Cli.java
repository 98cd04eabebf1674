package io.eager4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

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

    /**
     * The MNIST folder from {@code $EAGER4J_DATA} (its {@code mnist} sub-folder if it has one). Absent:
     * the test is skipped, or fails when {@code EAGER4J_REQUIRE_DATA=1}.
     */
    static Path mnist() {
        String env = System.getenv("EAGER4J_DATA");
        String problem = null;
        Path dir = null;
        if (env == null || env.isBlank()) {
            problem = "EAGER4J_DATA is not set";
        } else {
            dir = Path.of(env);
            if (Files.isDirectory(dir.resolve("mnist"))) dir = dir.resolve("mnist");
            if (!Files.isDirectory(dir)) problem = "EAGER4J_DATA=" + env + " is not a folder";
        }
        if (problem != null) {
            String why = problem + "; point it at a folder holding the MNIST files to run this test";
            if ("1".equals(System.getenv("EAGER4J_REQUIRE_DATA"))) Assertions.fail(why + " (EAGER4J_REQUIRE_DATA=1)");
            Assumptions.abort(why);
        }
        return dir;
    }
}
