package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes AIPerf's timeslice files: {@code profile_export_aiperf_timeslices.csv} in long format
 * ({@code Timeslice,Metric,Unit,Stat,Value}) and {@code .json} with one block per slice.
 */
public final class TimesliceWriter {
  /** AIPerf's timeslice file name stem. */
  public static final String STEM = "profile_export_aiperf_timeslices";
  private static final Statistic[] STATS = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P1, Statistic.P5, Statistic.P10, Statistic.P25, Statistic.P50, Statistic.P75,
      Statistic.P90, Statistic.P95, Statistic.P99, Statistic.STD};

  private TimesliceWriter() {}

  /** One slice: its index, its bounds in wall-clock nanoseconds, and its metrics. */
  public record Slice(int index, long startWallNanos, long endWallNanos,
      List<MetricResult> metrics) {}

  /**
   * Writes both files.
   *
   * @param config the run's configuration (artifact directory and prefix)
   * @param slices the slices, in order
   * @throws IOException if a file cannot be written; the message names it
   */
  public static void write(BenchmarkConfig config, List<Slice> slices) throws IOException {
    Path dir = config.artifactDir().orElseThrow();
    Files.createDirectories(dir);
    String stem = config.exportPrefix().map(p -> p + "_timeslices").orElse(STEM);
    StringBuilder csv = new StringBuilder("Timeslice,Metric,Unit,Stat,Value\r\n");
    List<Object> json = new ArrayList<>();
    for (Slice s : slices) {
      Map<String, Object> metrics = new LinkedHashMap<>();
      for (MetricResult m : s.metrics()) {
        metrics.put(m.tag().tag(), JsonExporter.metric(m));
        Statistic[] stats = m.scalar() ? new Statistic[] {Statistic.AVG} : STATS;
        for (Statistic st : stats) {
          double v = m.get(st);
          if (Double.isFinite(v)) {
            csv.append(s.index()).append(',').append(m.tag().tag()).append(',')
                .append(m.unit()).append(',').append(st.key()).append(',')
                .append(ExportSupport.twoDecimals(v, false)).append("\r\n");
          }
        }
      }
      Map<String, Object> block = new LinkedHashMap<>();
      block.put("timeslice_index", s.index());
      block.put("start_ns", s.startWallNanos());
      block.put("end_ns", s.endWallNanos());
      block.put("metrics", metrics);
      json.add(block);
    }
    Files.writeString(dir.resolve(stem + ".csv"), csv, StandardCharsets.UTF_8);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("slice_duration_sec", config.sliceDuration().orElseThrow().toNanos() / 1e9);
    doc.put("timeslices", json);
    Files.writeString(dir.resolve(stem + ".json"), JsonWriter.write(doc), StandardCharsets.UTF_8);
  }
}
