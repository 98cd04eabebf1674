package io.eager4j.cli;

import io.eager4j.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code --plot}: loss (top) and batch accuracy (bottom) against the step, each raw and as a moving
 * average, drawn headless into a PNG with JFreeChart.
 * <pre>{@code
 * Plot.write(Path.of("curves.png"), metrics, "MNIST");
 * }</pre>
 */
final class Plot {
    private static final int MAX_WINDOW = 50;   // steps in the moving average: one batch is noisy

    static {
        System.setProperty("java.awt.headless", "true");   // no display needed, and none is opened
    }

    private Plot() {}

    static void write(Path file, Metrics m, String title) throws IOException {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        plot.add(panel(m, "loss", true), 1);
        plot.add(panel(m, "batch accuracy", false), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        AtomicFile.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, 1000, 700));
    }

    private static XYPlot panel(Metrics m, String name, boolean loss) {
        XYSeries raw = new XYSeries(name, false, true);
        int window = Math.clamp(m.count() / 20, 1, MAX_WINDOW);   // short runs get a short window
        XYSeries smooth = new XYSeries(name + " (mean of " + window + " steps)", false, true);
        double sum = 0;
        for (int i = 0; i < m.count(); i++) {
            double v = loss ? m.lossAt(i) : m.accuracyAt(i);
            raw.add(m.stepAt(i), v);
            sum += v;
            if (i >= window) sum -= loss ? m.lossAt(i - window) : m.accuracyAt(i - window);
            smooth.add(m.stepAt(i), sum / Math.min(i + 1, window));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(smooth);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, loss ? new Color(0xa6, 0xc8, 0xe8) : new Color(0xf5, 0xc6, 0x9b));
        r.setSeriesPaint(1, loss ? new Color(0x1f, 0x5f, 0xa8) : new Color(0xd0, 0x5a, 0x00));
        r.setSeriesStroke(1, new BasicStroke(2f));
        NumberAxis axis = new NumberAxis(name);
        axis.setAutoRangeIncludesZero(true);
        XYPlot p = new XYPlot(data, null, axis, r);
        p.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);   // the average on top of the noisy raw curve
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
