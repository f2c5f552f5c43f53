package io.aiperf.api;

import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugins;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The exports group of {@link Benchmark.Builder}: what is written and shown besides the summary,
 * and the goodput SLOs it is judged by. Mutable while a builder holds it; {@link BenchmarkConfig}
 * keeps its own copy.
 */
final class ExportOptions {
  Map<String, Double> goodput = Map.of();
  boolean showTraceTiming;
  boolean exportHttpTrace;
  boolean exportOutputsJson;
  @Nullable String exportPrefix;
  @Nullable Duration sliceDuration;
  ExportLevel exportLevel = ExportLevel.RECORDS;
  @Nullable Path artifactDir;
  List<String> exporters = List.of();

  ExportOptions() {}

  ExportOptions(ExportOptions o) {
    goodput = o.goodput;
    showTraceTiming = o.showTraceTiming;
    exportHttpTrace = o.exportHttpTrace;
    exportOutputsJson = o.exportOutputsJson;
    exportPrefix = o.exportPrefix;
    sliceDuration = o.sliceDuration;
    exportLevel = o.exportLevel;
    artifactDir = o.artifactDir;
    exporters = o.exporters;
  }

  void checkGoodput(List<String> problems) {
    if (goodput.isEmpty()) {
      return;
    }
    Set<String> known = new TreeSet<>();
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.recordMetrics().forEach(m -> known.add(m.info().tag()));
    }
    goodput.forEach((tag, value) -> {
      if (!known.isEmpty() && !known.contains(tag)) {
        problems.add("goodput metric was '" + tag + "' but it must be a per-request metric: "
            + known);
      }
      if (value == null || !Double.isFinite(value) || value < 0) {
        problems.add("goodput threshold for '" + tag + "' was '" + value
            + "' but it must be a number >= 0 (in the metric's display unit)");
      }
    });
  }

  void checkPrefix(List<String> problems) {
    if (exportPrefix != null && (exportPrefix.isBlank() || exportPrefix.contains("/")
        || exportPrefix.contains("\\"))) {
      problems.add("exportPrefix was '" + exportPrefix + "' but it must be a plain file name"
          + " prefix, without a directory");
    }
  }
}
