package io.aiperf.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything read from one run directory; each part is null (or empty) when its file was missing
 * or could not be read, and {@link #notes} says which and why.
 *
 * @param name the run's name in charts and legends (its directory's name, made unique)
 * @param dir the directory
 * @param aggregate {@code profile_export_aiperf.json}
 * @param requests {@code profile_export.jsonl}
 * @param slices {@code profile_export_aiperf_timeslices.json}
 * @param gpu {@code gpu_telemetry_export.jsonl}, one group per metric
 * @param server {@code server_metrics_export.jsonl}, one group per metric
 * @param notes problems with the input, each naming its file
 */
record RunData(String name, Path dir, @Nullable JsonNode aggregate, @Nullable Requests requests,
    List<Slice> slices, List<TimeSeries.Group> gpu, List<TimeSeries.Group> server,
    List<String> notes) {

  RunData {
    slices = List.copyOf(slices);
    gpu = List.copyOf(gpu);
    server = List.copyOf(server);
    notes = List.copyOf(notes);
  }

  /** Whether anything at all could be read. */
  boolean isEmpty() {
    return aggregate == null && requests == null && slices.isEmpty() && gpu.isEmpty()
        && server.isEmpty();
  }

  /** A statistic of a metric of the aggregate export, or NaN. */
  double stat(String metric, String stat) {
    if (aggregate == null) {
      return Double.NaN;
    }
    JsonNode v = aggregate.path(metric).path(stat);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  /** The unit of a metric in the aggregate export, or an empty string. */
  String unit(String metric) {
    return aggregate == null ? "" : aggregate.path(metric).path("unit").asText("");
  }

  /** The run's input configuration, or a missing node. */
  JsonNode config() {
    return aggregate == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
        : aggregate.path("input_config");
  }

  /**
   * One time slice of {@code profile_export_aiperf_timeslices.json}: its window and the few
   * statistics the charts use (NaN when absent).
   */
  record Slice(long startNs, long endNs, double ttftAvg, double itlAvg, double latencyAvg,
      double latencyP99, double requestThroughput, double outputTokenThroughput) {}
}
