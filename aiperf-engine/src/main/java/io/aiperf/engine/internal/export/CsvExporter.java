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
 * Writes {@code profile_export_aiperf.csv} as AIPerf 0.13 does (exporters/metrics_csv_exporter.py):
 * CRLF lines; the metrics with percentiles sorted by tag under
 * {@code Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std}; a blank line; then
 * {@code Metric,Value} for the scalar metrics, sorted by tag. A metric's cell is its header plus
 * {@code " (unit)"} unless the unit is {@code count} or {@code requests}; values have two decimals
 * and a statistic the metric lacks is an empty cell.
 */
public final class CsvExporter implements ExporterProvider {
  private static final String CRLF = "\r\n";

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
    List<MetricResult> distributions = sorted.stream().filter(ExportSupport::hasPercentiles)
        .toList();
    List<MetricResult> scalars = sorted.stream().filter(m -> !ExportSupport.hasPercentiles(m))
        .toList();
    StringBuilder sb = new StringBuilder();
    if (!distributions.isEmpty()) {
      sb.append("Metric");
      for (Statistic s : ExportSupport.STAT_KEYS) {
        sb.append(',').append(s.key());
      }
      sb.append(CRLF);
      for (MetricResult m : distributions) {
        sb.append(ExportSupport.csvCell(name(m)));
        for (Statistic s : ExportSupport.STAT_KEYS) {
          sb.append(',').append(ExportSupport.csvNumber(m.get(s)));
        }
        sb.append(CRLF);
      }
      if (!scalars.isEmpty()) {
        sb.append(CRLF);
      }
    }
    if (!scalars.isEmpty()) {
      sb.append("Metric,Value").append(CRLF);
      for (MetricResult m : scalars) {
        sb.append(ExportSupport.csvCell(name(m))).append(',')
            .append(ExportSupport.csvNumber(m.avg())).append(CRLF);
      }
    }
    result.gpuTelemetry().filter(t -> !t.gpus().isEmpty()).ifPresent(t -> gpuSection(sb, t));
    return sb.toString();
  }

  /**
   * AIPerf's GPU telemetry section, after two empty lines: a row per GPU and field, with the
   * field's statistics (a counted field's increase as its avg) and the host when one is known.
   */
  private static void gpuSection(StringBuilder sb, io.aiperf.api.GpuTelemetry t) {
    boolean hosts = t.gpus().stream().anyMatch(g -> !g.hostname().isEmpty());
    sb.append(CRLF).append(CRLF).append("Endpoint,GPU_Index,GPU_Name,GPU_UUID,Platform,Metric");
    for (Statistic s : ExportSupport.STAT_KEYS) {
      sb.append(',').append(s.key());
    }
    sb.append(hosts ? ",Hostname" : "").append(CRLF);
    for (io.aiperf.api.GpuMetrics g : t.gpus()) {
      for (io.aiperf.engine.internal.gputelemetry.GpuFields.Field f
          : io.aiperf.engine.internal.gputelemetry.GpuFields.FIELDS) {
        MetricResult m = g.metrics().get(f.key());
        if (m == null) {
          continue;
        }
        sb.append(ExportSupport.csvCell(ServerMetricsFiles.display(g.endpoint()))).append(',')
            .append(g.index()).append(',').append(ExportSupport.csvCell(g.name())).append(',')
            .append(ExportSupport.csvCell(g.uuid())).append(',').append(g.platform()).append(',')
            .append(ExportSupport.csvCell(f.display() + " (" + f.unit() + ")"));
        for (Statistic s : ExportSupport.STAT_KEYS) {
          sb.append(',').append(m.scalar() && s != Statistic.AVG ? ""
              : ExportSupport.csvNumber(m.get(s)));
        }
        sb.append(hosts ? "," + ExportSupport.csvCell(g.hostname()) : "").append(CRLF);
      }
    }
  }

  /** AIPerf's {@code _format_metric_name}: the header, and the unit unless it is a count. */
  static String name(MetricResult m) {
    String unit = m.unit().toLowerCase(Locale.ROOT);
    return m.unit().isEmpty() || unit.equals("requests") || unit.equals("count") ? m.header()
        : m.header() + " (" + m.unit() + ")";
  }
}
