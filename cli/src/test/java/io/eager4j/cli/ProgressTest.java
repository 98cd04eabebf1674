package io.eager4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void terminalBarIsRedrawnInPlaceAndWipedBeforeOutput() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), true, 500, 3_600_000_000_000L);   // redraw at most hourly
        PrintWriter o = p.around(new PrintWriter(out));
        p.started(4);
        p.step(0, 2.5, 0.1);
        assertTrue(err.toString().startsWith("\r[######..................] 1/4 steps  "), err.toString());
        assertTrue(err.toString().endsWith("loss 2.5000\033[K"), err.toString());
        p.step(1, 2.0, 0.1);   // too soon after the last draw: not redrawn
        assertEquals(1, err.toString().chars().filter(c -> c == '\r').count());
        o.println("step: 2");
        assertTrue(err.toString().endsWith("\r\033[K"), "bar wiped before stdout writes");
        assertEquals("step: 2" + System.lineSeparator(), out.toString());
        p.step(3, 1.0, 0.2);   // the last step is always drawn
        assertTrue(err.toString().contains("[########################] 4/4 steps"), err.toString());
        p.finished();
        assertTrue(err.toString().endsWith(System.lineSeparator()));
    }

    @Test
    void plainLinesEveryLogEveryStepsAndAtTheEnd() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), false, 2);
        p.started(5);
        for (int i = 0; i < 5; i++) p.step(i, 1, 0);
        p.finished();
        var lines = err.toString().lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("train-mnist: 2/5 steps  "), lines.get(0));
        assertTrue(lines.get(2).startsWith("train-mnist: 5/5 steps  "), lines.get(2));
        assertTrue(!err.toString().contains("\r"));
    }

    @Test
    void clockFormat() {
        assertEquals("0:07", Progress.clock(7.2));
        assertEquals("2:05", Progress.clock(125));
        assertEquals("1:00:01", Progress.clock(3601));
    }
}
