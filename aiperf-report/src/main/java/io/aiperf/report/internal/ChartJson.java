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
import org.jspecify.annotations.Nullable;

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
      String style = s.style() == Style.BAND ? "line"
          : s.style() == Style.ERROR_BARS ? "errorbars" : s.style().name().toLowerCase(Locale.ROOT);
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
    List<long[]> rows = rows(columns);
    g.writeFieldName("data");
    writeData(g, columns, rows);
    // Error bars are not uPlot series: the page draws them over their series, row by row.
    g.writeArrayFieldStart("errors");
    for (int c = 0; c < columns.size(); c++) {
      Series s = columns.get(c).series();
      double[] lo = s.lo();
      double[] hi = s.hi();
      if (s.style() != Style.ERROR_BARS || lo == null || hi == null) {
        continue;
      }
      g.writeStartObject();
      g.writeNumberField("series", c + 1);
      g.writeStringField("color", String.format(Locale.ROOT, "#%06x", s.color()));
      g.writeFieldName("lo");
      column(g, rows, c, lo);
      g.writeFieldName("hi");
      column(g, rows, c, hi);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Null when every column shares its x values; else one row per point of any column (series
   * with x values of their own: scatter and errors, one run per series), sorted by x, since
   * uPlot needs x ascending.
   */
  private static @Nullable List<long[]> rows(List<Column> columns) {
    double[] x0 = columns.get(0).series().x();
    if (columns.stream().allMatch(c -> Arrays.equals(c.series().x(), x0))) {
      return null;
    }
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
    return rows;
  }

  private static void writeData(JsonGenerator g, List<Column> columns,
      @Nullable List<long[]> rows) throws IOException {
    g.writeStartArray();
    if (rows == null) {
      number(g, columns.get(0).series().x());
      for (Column c : columns) {
        number(g, c.values());
      }
      g.writeEndArray();
      return;
    }
    g.writeStartArray();
    for (long[] r : rows) {
      value(g, columns.get((int) r[0]).series().x()[(int) r[1]]);
    }
    g.writeEndArray();
    for (int c = 0; c < columns.size(); c++) {
      column(g, rows, c, columns.get(c).values());
    }
    g.writeEndArray();
  }

  /** One column's values in row order: its own where the row is its point, else null. */
  private static void column(JsonGenerator g, @Nullable List<long[]> rows, int c,
      double[] values) throws IOException {
    if (rows == null) {
      number(g, values);
      return;
    }
    g.writeStartArray();
    for (long[] r : rows) {
      if (r[0] == c) {
        value(g, values[(int) r[1]]);
      } else {
        g.writeNull();
      }
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
