package io.eager4j;

import org.junit.jupiter.api.Test;

/** The README's Spark quickstart, run as written (through the core's README runner). */
class ReadmeSparkTest {
    @Test
    void sparkQuickstartRunsAsWrittenAndTheLossFalls() throws Exception {
        ReadmeQuickstartTest.runFiveFallingLosses("<!-- spark-quickstart -->");
    }
}
