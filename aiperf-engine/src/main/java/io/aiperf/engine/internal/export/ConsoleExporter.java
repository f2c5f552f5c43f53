package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.SuppressForbidden;
import io.aiperf.engine.internal.metrics.SweepMetrics;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's post-run console output: the {@code NVIDIA AIPerf | Error Summary} table when requests
 * failed, the {@code NVIDIA AIPerf | LLM Metrics} table (columns
 * {@code Metric | avg | min | max | p99 | p90 | p50 | std}, {@code N/A} where a metric has no such
 * statistic), then the run's warnings, laid out at AIPerf's fixed width of 140 columns
 * ({@code Environment.UI.CONSOLE_EXPORT_WIDTH}) in plain text. Written to
 * {@code profile_export_console.txt} in the artifact directory, as AIPerf does, and printed to the
 * console followed by the footer (command, duration, export paths), which the file leaves out.
 */
public final class ConsoleExporter implements ExporterProvider {
  /** AIPerf's console text file name. */
  public static final String TXT_FILE = "profile_export_console.txt";
  /** AIPerf's {@code CONSOLE_EXPORT_WIDTH}. */
  static final int WIDTH = 140;
  private static final Statistic[] COLUMNS = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P99, Statistic.P90, Statistic.P50, Statistic.STD};
  private static final int WRAP_HEADER_AFTER = 30;

  @Override
  public String name() {
    return "console";
  }

  @Override
  public String description() {
    return "AIPerf's metrics table on the console and in profile_export_console.txt";
  }

  @Override
  @SuppressForbidden(reason = "the console exporter writes the table to standard output")
  public void export(BenchmarkResult result, Context context) throws IOException {
    String tables = tables(result);
    PrintWriter out = context.console().orElseGet(() ->
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    out.print(tables + footer(result));
    out.flush();
    if (context.artifactDir().isPresent()) {
      Path dir = context.artifactDir().get();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(fileName(result.config())), tables, StandardCharsets.UTF_8);
    }
  }

  /**
   * The console text file's name: AIPerf's, or {@code <prefix>_console.txt}.
   *
   * @param config the run's configuration
   * @return the name
   */
  static String fileName(BenchmarkConfig config) {
    return config.exportPrefix().map(p -> p + "_console.txt").orElse(TXT_FILE);
  }

  /** What the console shows: the tables and warnings, then the footer. */
  static String render(BenchmarkResult result) {
    return tables(result) + footer(result);
  }

  /**
   * What AIPerf's console exporters print, and its {@code profile_export_console.txt} holds: each
   * table after two blank lines, each warning after one.
   */
  static String tables(BenchmarkResult result) {
    StringBuilder sb = new StringBuilder();
    if (!result.errors().isEmpty()) {
      sb.append("\n\n").append(errorTable(result.errors()).render(WIDTH));
    }
    // AIPerf's grouped tables come first: Effective (with effective_latency), then Active.
    for (SweepMetrics.Group group : SweepMetrics.Group.values()) {
      ConsoleTable grouped = groupTable(result, group);
      if (!grouped.isEmpty()) {
        sb.append("\n\n").append(grouped.render(WIDTH));
      }
    }
    ConsoleTable metrics = metricsTable(result);
    if (!metrics.isEmpty()) {
      sb.append("\n\n").append(metrics.render(WIDTH));
    }
    sb.append(TelemetryTables.server(result, WIDTH)).append(TelemetryTables.gpu(result, WIDTH));
    if (!result.remoteClocks().isEmpty()) {
      sb.append("\n\n").append(clockTable(result).render(WIDTH));
    }
    for (String warning : result.warnings()) {
      sb.append('\n');
      ConsoleTable.wrap("Warning: " + warning, WIDTH, true).forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString();
  }

  /** aiperf-java's footer, on the console only (AIPerf prints its own there too). */
  private static String footer(BenchmarkResult result) {
    StringBuilder sb = new StringBuilder("\n");
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
    return sb.append('\n').toString();
  }

  /** AIPerf's console group of a metric shown in a table of its own; null for the main table. */
  private static SweepMetrics.@Nullable Group group(String tag) {
    SweepMetrics.Spec spec = SweepMetrics.spec(tag);
    if (spec != null) {
      return spec.group();
    }
    return tag.equals("effective_latency") ? SweepMetrics.Group.EFFECTIVE : null;
  }

  /** One of AIPerf's grouped tables, "LLM Metrics: Effective" or ": Active", in its order. */
  static ConsoleTable groupTable(BenchmarkResult result, SweepMetrics.Group group) {
    String name = group.name().charAt(0) + group.name().substring(1).toLowerCase(Locale.ROOT);
    ConsoleTable table = newTable("NVIDIA AIPerf | " + result.metricsTitle() + ": " + name);
    List<MetricResult> shown = new ArrayList<>();
    for (MetricResult m : result.metrics()) {
      if (group(m.tag().tag()) == group) {
        shown.add(m);
      }
    }
    // The time-weighted metrics in AIPerf's order, then effective_latency, injected after them.
    shown.sort(Comparator.comparingInt(m -> {
      SweepMetrics.Spec spec = SweepMetrics.spec(m.tag().tag());
      return spec == null ? Integer.MAX_VALUE : SweepMetrics.SPECS.indexOf(spec);
    }));
    shown.forEach(m -> table.add(row(m)));
    return table;
  }

  private static ConsoleTable newTable(String title) {
    return new ConsoleTable(title,
        new String[] {"Metric", "avg", "min", "max", "p99", "p90", "p50", "std"},
        new boolean[] {true, true, true, true, true, true, true, true});
  }

  private static String[] row(MetricResult m) {
    String label = m.header() + (m.header().length() > WRAP_HEADER_AFTER ? "\n" : " ") + "("
        + m.unit() + ")";
    String[] row = new String[COLUMNS.length + 1];
    row[0] = label;
    for (int i = 0; i < COLUMNS.length; i++) {
      double v = m.get(COLUMNS[i]);
      row[i + 1] = (m.scalar() && COLUMNS[i] != Statistic.AVG) || !Double.isFinite(v) ? "N/A"
          : ExportSupport.twoDecimals(v, true);
    }
    return row;
  }

  static ConsoleTable metricsTable(BenchmarkResult result) {
    Map<String, MetricInfo> infos = ExportSupport.metricInfos();
    ConsoleTable table = newTable("NVIDIA AIPerf | " + result.metricsTitle());
    List<MetricResult> shown = new ArrayList<>();
    for (MetricResult m : result.metrics()) {
      if (group(m.tag().tag()) != null) {
        continue; // in a table of its own
      }
      MetricInfo info = infos.get(m.tag().tag());
      boolean shownTrace = info != null && info.has(MetricFlag.HTTP_TRACE)
          && result.config().showTraceTiming();
      if (info != null && !shownTrace
          && (info.has(MetricFlag.NO_CONSOLE) || info.has(MetricFlag.ERROR_ONLY))
          || info == null && TelemetryTables.efficiency(m)) { // in the GPU tables
        continue;
      }
      shown.add(m);
    }
    // As AIPerf: by display order; metrics without one (the error-adjusted adj_*) last.
    shown.sort(Comparator.comparingInt(m -> {
      MetricInfo info = infos.get(m.tag().tag());
      return info == null ? Integer.MAX_VALUE : info.displayOrder();
    }));
    for (MetricResult m : shown) {
      table.add(row(m));
    }
    return table;
  }

  /** aiperf-java's own table: the clock of each service in another process. */
  static ConsoleTable clockTable(BenchmarkResult result) {
    ConsoleTable table = new ConsoleTable("aiperf-java | Remote Clocks (vs. the controller)",
        new String[] {"Service", "Host", "Offset (ms)", "+/- (ms)", "Min RTT (ms)", "Samples",
            "Steps", "Corrected"},
        new boolean[] {false, false, true, true, true, true, true, true});
    for (io.aiperf.api.RemoteClock c : result.remoteClocks()) {
      table.add(new String[] {c.serviceId(), c.host(), millis(c.offset()),
          millis(c.uncertainty()), millis(c.minRoundTrip()), Long.toString(c.samples()),
          c.steps() == 0 ? "0" : c.steps() + " (largest " + millis(c.largestStep()) + ")",
          c.corrected() ? "yes" : "NO"});
    }
    return table;
  }

  private static String millis(java.time.Duration d) {
    return String.format(java.util.Locale.ROOT, "%,.3f", d.toNanos() / 1e6);
  }

  static ConsoleTable errorTable(List<ErrorSummary> errors) {
    ConsoleTable table = new ConsoleTable("NVIDIA AIPerf | Error Summary",
        new String[] {"Code", "Type", "Message", "Count"},
        new boolean[] {true, true, false, true});
    for (ErrorSummary e : errors) {
      table.add(new String[] {e.code() > 0 ? Integer.toString(e.code()) : "N/A", e.type(),
          e.message(), String.format(java.util.Locale.ROOT, "%,d", e.count())});
    }
    return table;
  }
}
