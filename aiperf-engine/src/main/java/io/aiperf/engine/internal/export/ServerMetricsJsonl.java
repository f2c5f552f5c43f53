package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.aiperf.engine.internal.prometheus.Labels;
import io.aiperf.engine.internal.prometheus.MetricType;
import io.aiperf.engine.internal.servermetrics.Point;
import io.aiperf.engine.internal.servermetrics.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code server_metrics_export.jsonl}: every scrape whose page changed, as AIPerf 0.13's
 * {@code SlimRecord} (endpoint, times in wall-clock nanoseconds, each family's samples, the
 * phase it belongs to). As AIPerf: {@code _info} families and summaries are left out, a sample's
 * {@code labels} only when it has some.
 */
public final class ServerMetricsJsonl extends JsonlFile {
  /**
   * Opens the file.
   *
   * @param dir the artifact directory
   * @param fileName its name
   * @throws IOException if it cannot be created
   */
  public ServerMetricsJsonl(Path dir, String fileName) throws IOException {
    super(dir, fileName);
  }

  /**
   * Appends one scrape.
   *
   * @param url the endpoint
   * @param madeWallNanos when the page was made (its first byte)
   * @param latencyNanos the fetch's round trip
   * @param sentWallNanos when the request went
   * @param snapshot the page's points
   * @param phase {@code warmup} or {@code profiling}, null before either
   */
  public void write(String url, long madeWallNanos, long latencyNanos, long sentWallNanos,
      Snapshot snapshot, @Nullable String phase) {
    line(json -> {
      json.writeStartObject();
      json.writeStringField("endpoint_url", url);
      json.writeNumberField("timestamp_ns", madeWallNanos);
      json.writeNumberField("endpoint_latency_ns", latencyNanos);
      json.writeObjectFieldStart("metrics");
      for (Snapshot.Family f : snapshot.families()) {
        if (f.name().endsWith("_info") || f.type() == MetricType.SUMMARY) {
          continue;
        }
        json.writeArrayFieldStart(f.name());
        for (Map.Entry<Labels, Point> e : f.points().entrySet()) {
          sample(json, e.getKey(), e.getValue());
        }
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeNumberField("request_sent_ns", sentWallNanos);
      json.writeNumberField("first_byte_ns", madeWallNanos);
      if (phase != null) {
        json.writeStringField("benchmark_phase", phase);
      }
      json.writeEndObject();
    });
  }

  private static void sample(JsonGenerator json, Labels labels, Point p) throws IOException {
    json.writeStartObject();
    if (!labels.isEmpty()) {
      json.writeObjectFieldStart("labels");
      for (Map.Entry<String, String> l : labels.asMap().entrySet()) {
        json.writeStringField(l.getKey(), l.getValue());
      }
      json.writeEndObject();
    }
    if (p instanceof Point.Scalar s) {
      json.writeNumberField("value", s.value());
    } else if (p instanceof Point.Histogram h) {
      json.writeObjectFieldStart("buckets");
      for (int i = 0; i < h.les().length; i++) {
        json.writeNumberField(h.les()[i], h.cumulative()[i]);
      }
      json.writeEndObject();
      json.writeNumberField("sum", h.sum());
      json.writeNumberField("count", h.count());
    }
    json.writeEndObject();
  }
}
