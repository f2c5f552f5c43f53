package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.spi.ExporterProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code profile_export_aiperf.csv} as AIPerf does: CRLF lines; distribution metrics sorted
 * by tag with {@code Metric,avg,min,max,p1,...,p99,std}; a blank line; then {@code Metric,Value}
 * for scalar metrics; values with two decimals.
 */
public final class CsvExporter implements ExporterProvider {
  private static final String CRLF = "\r\n";
  private static final Statistic[] COLUMNS = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P1, Statistic.P5, Statistic.P10, Statistic.P25, Statistic.P50, Statistic.P75,
      Statistic.P90, Statistic.P95, Statistic.P99, Statistic.STD};

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public String description() {
    return "AIPerf's profile_export_aiperf.csv summary";
  }

  @Override
  public void export(BenchmarkResult result, Context context) throws IOException {
    if (context.artifactDir().isEmpty()) {
      return;
    }
    Path dir = context.artifactDir().get();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ExportSupport.fileName(result.config(), ExportSupport.CSV_FILE)),
        render(result),
        StandardCharsets.UTF_8);
  }

  static String render(BenchmarkResult result) {
    List<MetricResult> sorted = result.metrics().stream()
        .sorted(Comparator.comparing(m -> m.tag().tag())).toList();
    StringBuilder sb = new StringBuilder();
    sb.append("Metric");
    for (Statistic s : COLUMNS) {
      sb.append(',').append(s.key());
    }
    sb.append(CRLF);
    for (MetricResult m : sorted) {
      if (m.scalar()) {
        continue;
      }
      sb.append(cell(name(m)));
      for (Statistic s : COLUMNS) {
        double v = m.get(s);
        // An empty cell for a statistic without a finite value, as AIPerf 0.13 writes it.
        sb.append(',').append(Double.isFinite(v) ? ExportSupport.twoDecimals(v, false) : "");
      }
      sb.append(CRLF);
    }
    sb.append(CRLF).append("Metric,Value").append(CRLF);
    for (MetricResult m : sorted) {
      if (m.scalar()) {
        sb.append(cell(name(m))).append(',').append(ExportSupport.twoDecimals(m.avg(), false))
            .append(CRLF);
      }
    }
    return sb.toString();
  }

  private static String name(MetricResult m) {
    String unit = m.unit().toLowerCase(Locale.ROOT);
    return unit.equals("requests") || unit.equals("count") ? m.header()
        : m.header() + " (" + m.unit() + ")";
  }

  /** Quotes a cell only when CSV needs it, as Python's csv module does by default. */
  private static String cell(String s) {
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
