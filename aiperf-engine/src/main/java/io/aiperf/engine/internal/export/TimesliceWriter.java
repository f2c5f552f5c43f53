package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes AIPerf 0.13's timeslice files. {@code profile_export_aiperf_timeslices.csv} is long
 * format ({@code exporters/timeslice_metrics_csv_exporter.py}): header
 * {@code Timeslice,Start_NS,End_NS,Metric,Unit,Stat,Value}; per slice in order, per metric sorted
 * by tag, one row per statistic it has in {@code STAT_KEYS} order; {@code Metric} is the display
 * header without unit, which {@code aiperf plot} looks metrics up by. {@code .json}
 * ({@code timeslice_metrics_json_exporter.py}) is {@code {"timeslices": [...], "input_config":
 * {...}}}, each slice {@code start_ns}, {@code end_ns}, {@code is_complete: false} on the clipped
 * last one only, then its metrics by tag at the slice's top level. A slice's position is its index.
 */
public final class TimesliceWriter {
  /** AIPerf's timeslice file name stem. */
  public static final String STEM = "profile_export_aiperf_timeslices";
  private static final String CRLF = "\r\n";

  private TimesliceWriter() {}

  /**
   * One slice with requests: its bounds in wall-clock nanoseconds, and its metrics.
   *
   * @param startNanos where the slice starts
   * @param endNanos where it ends: a slice duration later, or the run's end for the last one
   * @param complete false for a last slice clipped to the run's end
   * @param metrics its metrics, in display order
   */
  public record Slice(long startNanos, long endNanos, boolean complete,
      List<MetricResult> metrics) {}

  /**
   * The {@code input_config} that AIPerf repeats in the timeslice JSON: the same node as the
   * summary JSON's.
   *
   * @param result the run's result
   * @return the node, as maps and lists for {@link JsonWriter}
   */
  public static Object summaryInputConfig(BenchmarkResult result) {
    return JsonExporter.inputConfig(result.config(), result.seed());
  }

  /**
   * Writes both files.
   *
   * @param config the run's configuration (artifact directory and prefix)
   * @param slices the slices with requests, in order
   * @param inputConfig the summary JSON's {@code input_config} node; null to leave it out
   * @throws IOException if a file cannot be written; the message names it
   */
  public static void write(BenchmarkConfig config, List<Slice> slices,
      @Nullable Object inputConfig) throws IOException {
    Path dir = config.artifactDir().orElseThrow();
    Files.createDirectories(dir);
    String stem = config.exportPrefix().map(p -> p + "_timeslices").orElse(STEM);
    Files.writeString(dir.resolve(stem + ".csv"), csv(slices), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(stem + ".json"), JsonWriter.write(json(slices, inputConfig)),
        StandardCharsets.UTF_8);
  }

  static String csv(List<Slice> slices) {
    StringBuilder csv = new StringBuilder("Timeslice,Start_NS,End_NS,Metric,Unit,Stat,Value")
        .append(CRLF);
    for (int index = 0; index < slices.size(); index++) {
      Slice s = slices.get(index);
      String bounds = index + "," + s.startNanos() + "," + s.endNanos() + ",";
      List<MetricResult> byTag = s.metrics().stream()
          .sorted(Comparator.comparing(m -> m.tag().tag())).toList();
      for (MetricResult m : byTag) {
        String metric = bounds + ExportSupport.csvCell(m.header()) + ","
            + ExportSupport.csvCell(m.unit()) + ",";
        for (Statistic st : m.scalar() ? List.of(Statistic.AVG) : ExportSupport.STAT_KEYS) {
          double v = m.get(st);
          if (Double.isFinite(v)) {
            csv.append(metric).append(st.key()).append(',').append(ExportSupport.csvNumber(v))
                .append(CRLF);
          }
        }
      }
    }
    return csv.toString();
  }

  static Map<String, Object> json(List<Slice> slices, @Nullable Object inputConfig) {
    List<Object> list = new ArrayList<>();
    for (Slice s : slices) {
      Map<String, Object> block = new LinkedHashMap<>();
      block.put("start_ns", s.startNanos());
      block.put("end_ns", s.endNanos());
      if (!s.complete()) {
        block.put("is_complete", false); // AIPerf: absent means complete
      }
      for (MetricResult m : s.metrics()) {
        block.put(m.tag().tag(), JsonExporter.metric(m));
      }
      list.add(block);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("timeslices", list);
    if (inputConfig != null) {
      doc.put("input_config", inputConfig);
    }
    return doc;
  }
}
