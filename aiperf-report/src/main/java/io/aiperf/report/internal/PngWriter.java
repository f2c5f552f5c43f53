package io.aiperf.report.internal;

import io.aiperf.report.internal.Chart.Series;
import io.aiperf.report.internal.Chart.Style;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.DefaultIntervalXYDataset;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.XYDataset;

/** Draws {@link Chart}s into PNG files with JFreeChart, one file per chart. */
final class PngWriter {
  static final int WIDTH = 1200;
  static final int HEIGHT = 640;
  private static final Color GRID = new Color(0xDDDDDD);

  private PngWriter() {}

  /** Writes {@code <dir>/<chart id>.png}. */
  static Path write(Chart chart, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(chart.id() + ".png");
    ChartUtils.saveChartAsPNG(file.toFile(), toJFreeChart(chart), WIDTH, HEIGHT);
    return file;
  }

  static JFreeChart toJFreeChart(Chart chart) {
    XYPlot plot = new XYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
    NumberAxis x = new NumberAxis(chart.xLabel());
    x.setAutoRangeIncludesZero(false);
    plot.setDomainAxis(x);
    NumberAxis y = new NumberAxis(chart.yLabel());
    plot.setRangeAxis(0, y);
    if (chart.y2Label() != null) {
      plot.setRangeAxis(1, new NumberAxis(chart.y2Label()));
    }
    List<Series> series = chart.series();
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      plot.setDataset(i, dataset(s));
      plot.setRenderer(i, renderer(s));
      plot.mapDatasetToRangeAxis(i, s.rightAxis() && chart.y2Label() != null ? 1 : 0);
    }
    JFreeChart jf = new JFreeChart(chart.title(), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot,
        true);
    jf.setBackgroundPaint(Color.WHITE);
    if (!chart.description().isEmpty()) {
      TextTitle sub = new TextTitle(chart.description(), new Font(Font.SANS_SERIF, Font.PLAIN,
          12));
      jf.addSubtitle(sub);
    }
    return jf;
  }

  private static XYDataset dataset(Series s) {
    if (s.style() == Style.BARS) {
      int n = s.size();
      double half = n > 1 ? (s.x()[1] - s.x()[0]) / 2 : 0.5;
      double[][] d = new double[6][n];
      for (int i = 0; i < n; i++) {
        d[0][i] = s.x()[i];
        d[1][i] = s.x()[i] - half;
        d[2][i] = s.x()[i] + half;
        d[3][i] = s.y()[i];
        d[4][i] = s.y()[i];
        d[5][i] = s.y()[i];
      }
      DefaultIntervalXYDataset ds = new DefaultIntervalXYDataset();
      ds.addSeries(s.label(), d);
      return ds;
    }
    if ((s.style() == Style.BAND || s.style() == Style.ERROR_BARS) && s.lo() != null
        && s.hi() != null) {
      // Windows without requests have no band: left out rather than drawn as a spike to zero.
      List<double[]> rows = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        if (Double.isFinite(s.y()[i]) && Double.isFinite(s.lo()[i])
            && Double.isFinite(s.hi()[i])) {
          rows.add(new double[] {s.x()[i], s.y()[i], s.lo()[i], s.hi()[i]});
        }
      }
      double[][] d = new double[6][rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        double[] r = rows.get(i);
        d[0][i] = r[0];
        d[1][i] = r[0];
        d[2][i] = r[0];
        d[3][i] = r[1];
        d[4][i] = r[2];
        d[5][i] = r[3];
      }
      DefaultIntervalXYDataset ds = new DefaultIntervalXYDataset();
      ds.addSeries(s.label(), d);
      return ds;
    }
    DefaultXYDataset ds = new DefaultXYDataset();
    ds.addSeries(s.label(), new double[][] {s.x(), s.y()});
    return ds;
  }

  private static XYItemRenderer renderer(Series s) {
    Color color = new Color(s.color());
    switch (s.style()) {
      case BARS -> {
        XYBarRenderer r = new XYBarRenderer(0.05);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, color);
        return r;
      }
      case BAND -> {
        DeviationRenderer r = new DeviationRenderer(true, false);
        r.setSeriesPaint(0, color);
        r.setSeriesFillPaint(0, color);
        r.setAlpha(0.18f);
        r.setSeriesStroke(0, new BasicStroke(2f));
        return r;
      }
      case ERROR_BARS -> {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDefaultLinesVisible(true);
        r.setSeriesPaint(0, color);
        r.setErrorPaint(color);
        r.setErrorStroke(new BasicStroke(2f));
        r.setCapLength(10);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        return r;
      }
      case STEP -> {
        XYStepRenderer r = new XYStepRenderer();
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(1.5f));
        return r;
      }
      case POINTS, CROSSES -> {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, color);
        r.setSeriesShape(0, shape(s));
        return r;
      }
      default -> {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, s.size() <= 30);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        return r;
      }
    }
  }

  private static Shape shape(Series s) {
    double size = s.size() <= 50 ? 10 : s.size() <= 2_000 ? 5 : 3;
    if (s.style() == Style.CROSSES) {
      return ShapeUtils.createDiagonalCross((float) size / 2 + 1, 0.7f);
    }
    return new Ellipse2D.Double(-size / 2, -size / 2, size, size);
  }
}
