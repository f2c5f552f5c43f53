package io.aiperf.engine.internal.export;

import io.aiperf.engine.internal.SuppressForbidden;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints AIPerf's console table: {@code NVIDIA AIPerf | LLM Metrics}, columns
 * {@code Metric | avg | min | max | p99 | p90 | p50 | std}, scalar rows with {@code N/A}, an error
 * summary table when requests failed, and the footer with the command, duration and export paths.
 */
public final class ConsoleExporter implements ExporterProvider {
  private static final Statistic[] COLUMNS = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P99, Statistic.P90, Statistic.P50, Statistic.STD};
  private static final int WRAP_HEADER_AFTER = 30;
  private static final int MAX_MESSAGE = 90;

  @Override
  public String name() {
    return "console";
  }

  @Override
  public String description() {
    return "AIPerf's metrics table on the console";
  }

  @Override
  @SuppressForbidden(reason = "the console exporter writes the table to standard output")
  public void export(BenchmarkResult result, Context context) {
    PrintWriter out = context.console().orElseGet(() ->
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    out.print(render(result));
    out.flush();
  }

  static String render(BenchmarkResult result) {
    StringBuilder sb = new StringBuilder("\n");
    if (!result.errors().isEmpty()) {
      sb.append(errorTable(result.errors())).append('\n');
    }
    sb.append(metricsTable(result));
    sb.append('\n');
    if (!result.config().commandLine().isEmpty()) {
      sb.append("CLI Command: ").append(ExportSupport.commandLine(result.config().commandLine()))
          .append('\n');
    }
    result.find(io.aiperf.api.Metrics.BENCHMARK_DURATION).ifPresent(d -> sb
        .append("Benchmark Duration: ").append(ExportSupport.twoDecimals(d.avg(), false))
        .append(" sec").append(result.wasCancelled() ? " (cancelled early)" : "").append('\n'));
    ExportSupport.fileOf(result, "csv", ExportSupport.CSV_FILE)
        .ifPresent(p -> sb.append("CSV Export: ").append(p).append('\n'));
    ExportSupport.fileOf(result, "json", ExportSupport.JSON_FILE)
        .ifPresent(p -> sb.append("JSON Export: ").append(p).append('\n'));
    if (result.wasCancelled()) {
      sb.append("The profile run was cancelled early. Results shown may be incomplete or"
          + " inaccurate.\n");
    }
    for (String warning : result.warnings()) {
      sb.append("Warning: ").append(warning).append('\n');
    }
    return sb.append('\n').toString();
  }

  static String metricsTable(BenchmarkResult result) {
    Map<String, MetricInfo> infos = ExportSupport.metricInfos();
    Table table = new Table("NVIDIA AIPerf | " + result.metricsTitle(),
        new String[] {"Metric", "avg", "min", "max", "p99", "p90", "p50", "std"},
        new boolean[] {true, true, true, true, true, true, true, true});
    for (MetricResult m : result.metrics()) {
      MetricInfo info = infos.get(m.tag().tag());
      boolean shownTrace = info != null && info.has(MetricFlag.HTTP_TRACE)
          && result.config().showTraceTiming();
      if (info != null && !shownTrace
          && (info.has(MetricFlag.NO_CONSOLE) || info.has(MetricFlag.ERROR_ONLY))) {
        continue;
      }
      if (info == null && m.tag().tag().startsWith("adj_")) {
        continue; // error-adjusted distributions: in the exports, not the table (as AIPerf)
      }
      String label = m.header() + (m.header().length() > WRAP_HEADER_AFTER ? "\n" : " ") + "("
          + m.unit() + ")";
      String[] row = new String[COLUMNS.length + 1];
      row[0] = label;
      for (int i = 0; i < COLUMNS.length; i++) {
        row[i + 1] = m.scalar() && COLUMNS[i] != Statistic.AVG ? "N/A"
            : ExportSupport.twoDecimals(m.get(COLUMNS[i]), true);
      }
      table.add(row);
    }
    return table.render();
  }

  static String errorTable(List<ErrorSummary> errors) {
    Table table = new Table("NVIDIA AIPerf | Error Summary",
        new String[] {"Code", "Type", "Message", "Count"},
        new boolean[] {true, true, false, true});
    for (ErrorSummary e : errors) {
      String message = e.message().replace('\n', ' ');
      if (message.length() > MAX_MESSAGE) {
        message = message.substring(0, MAX_MESSAGE - 1) + "…";
      }
      table.add(new String[] {e.code() > 0 ? Integer.toString(e.code()) : "N/A", e.type(),
          message, String.format(java.util.Locale.ROOT, "%,d", e.count())});
    }
    return table.render();
  }

  /** A table in rich's default HEAVY_HEAD box, with one space of padding. */
  static final class Table {
    private final String title;
    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title, String[] headers, boolean[] rightAligned) {
      this.title = title;
      this.headers = headers;
      this.rightAligned = rightAligned;
    }

    void add(String[] row) {
      rows.add(row);
    }

    String render() {
      int[] widths = new int[headers.length];
      for (int c = 0; c < headers.length; c++) {
        widths[c] = headers[c].length();
        for (String[] row : rows) {
          for (String line : row[c].split("\n", -1)) {
            widths[c] = Math.max(widths[c], line.length());
          }
        }
      }
      int total = 1;
      for (int w : widths) {
        total += w + 3;
      }
      StringBuilder sb = new StringBuilder();
      int pad = Math.max(0, (total - title.length()) / 2);
      sb.append(" ".repeat(pad)).append(title).append('\n');
      sb.append(rule('┏', '━', '┳', '┓', widths));
      sb.append(line('┃', headers, widths));
      sb.append(rule('┡', '━', '╇', '┩', widths));
      for (String[] row : rows) {
        String[][] cells = new String[row.length][];
        int height = 1;
        for (int c = 0; c < row.length; c++) {
          cells[c] = row[c].split("\n", -1);
          height = Math.max(height, cells[c].length);
        }
        for (int l = 0; l < height; l++) {
          String[] lineCells = new String[row.length];
          for (int c = 0; c < row.length; c++) {
            lineCells[c] = l < cells[c].length ? cells[c][l] : "";
          }
          sb.append(line('│', lineCells, widths));
        }
      }
      sb.append(rule('└', '─', '┴', '┘', widths));
      return sb.toString();
    }

    private String line(char edge, String[] cells, int[] widths) {
      StringBuilder sb = new StringBuilder().append(edge);
      for (int c = 0; c < cells.length; c++) {
        String cell = cells[c];
        String fill = " ".repeat(widths[c] - cell.length());
        sb.append(' ').append(rightAligned[c] ? fill + cell : cell + fill).append(' ').append(edge);
      }
      return sb.append('\n').toString();
    }

    private static String rule(char left, char fill, char join, char right, int[] widths) {
      StringBuilder sb = new StringBuilder().append(left);
      for (int c = 0; c < widths.length; c++) {
        sb.append(String.valueOf(fill).repeat(widths[c] + 2));
        sb.append(c == widths.length - 1 ? right : join);
      }
      return sb.append('\n').toString();
    }
  }

}
