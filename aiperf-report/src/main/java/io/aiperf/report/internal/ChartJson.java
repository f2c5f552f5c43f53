package io.aiperf.report.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.aiperf.report.internal.Chart.Series;
import io.aiperf.report.internal.Chart.Style;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Chart} as the page script reads it: uPlot's column data (one x column, one column
 * per drawn series, {@code null} where a series has no point) and each series' look.
 */
final class ChartJson {
  private ChartJson() {}

  /** One drawn column: a series, or one edge of a band. */
  private record Column(Series series, double[] values, String style, String label) {}

  static void write(JsonGenerator g, Chart chart, String elementId) throws IOException {
    List<Column> columns = new ArrayList<>();
    List<int[]> bands = new ArrayList<>();
    List<Integer> bandColors = new ArrayList<>();
    for (Series s : chart.series()) {
      if (s.style() == Style.BAND && s.lo() != null && s.hi() != null) {
        columns.add(new Column(s, s.lo(), "bandedge", "min"));
        columns.add(new Column(s, s.hi(), "bandedge", "max"));
        // uPlot's series 0 is x: the band fills between the high and the low edge.
        bands.add(new int[] {columns.size(), columns.size() - 1});
        bandColors.add(s.color());
      }
      String style = s.style() == Style.BAND ? "line" : s.style().name().toLowerCase(Locale.ROOT);
      columns.add(new Column(s, s.y(), style, s.label()));
    }
    g.writeStartObject();
    g.writeStringField("el", elementId);
    g.writeStringField("xLabel", chart.xLabel());
    g.writeStringField("yLabel", chart.yLabel());
    if (chart.y2Label() != null) {
      g.writeStringField("y2Label", chart.y2Label());
    }
    g.writeArrayFieldStart("series");
    for (Column c : columns) {
      g.writeStartObject();
      g.writeStringField("label", c.label());
      g.writeStringField("style", c.style());
      g.writeStringField("color", String.format(Locale.ROOT, "#%06x", c.series().color()));
      g.writeStringField("axis", c.series().rightAxis() && chart.y2Label() != null ? "y2" : "y");
      g.writeNumberField("n", c.series().size());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("bands");
    for (int i = 0; i < bands.size(); i++) {
      g.writeStartArray();
      g.writeNumber(bands.get(i)[0]);
      g.writeNumber(bands.get(i)[1]);
      g.writeString(String.format(Locale.ROOT, "#%06x", bandColors.get(i)));
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeFieldName("data");
    writeData(g, columns);
    g.writeEndObject();
  }

  private static void writeData(JsonGenerator g, List<Column> columns) throws IOException {
    double[] x0 = columns.get(0).series().x();
    boolean shared = columns.stream().allMatch(c -> Arrays.equals(c.series().x(), x0));
    g.writeStartArray();
    if (shared) {
      number(g, x0);
      for (Column c : columns) {
        number(g, c.values());
      }
      g.writeEndArray();
      return;
    }
    // Series with x values of their own (scatter and errors, one run per series): one row per
    // point, sorted by x, null in the other columns. uPlot needs x ascending.
    List<long[]> rows = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      double[] x = columns.get(c).series().x();
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(x[i])) {
          rows.add(new long[] {c, i});
        }
      }
    }
    rows.sort(Comparator.comparingDouble(r -> columns.get((int) r[0]).series().x()[(int) r[1]]));
    g.writeStartArray();
    for (long[] r : rows) {
      value(g, columns.get((int) r[0]).series().x()[(int) r[1]]);
    }
    g.writeEndArray();
    for (int c = 0; c < columns.size(); c++) {
      g.writeStartArray();
      for (long[] r : rows) {
        if (r[0] == c) {
          value(g, columns.get(c).values()[(int) r[1]]);
        } else {
          g.writeNull();
        }
      }
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  private static void number(JsonGenerator g, double[] values) throws IOException {
    g.writeStartArray();
    for (double v : values) {
      value(g, v);
    }
    g.writeEndArray();
  }

  /** Six significant digits: more than a chart can show, and a smaller page. */
  private static void value(JsonGenerator g, double v) throws IOException {
    if (!Double.isFinite(v)) {
      g.writeNull();
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      g.writeNumber((long) v);
    } else {
      g.writeNumber(new java.math.BigDecimal(v).round(new java.math.MathContext(6))
          .stripTrailingZeros().toPlainString());
    }
  }
}
