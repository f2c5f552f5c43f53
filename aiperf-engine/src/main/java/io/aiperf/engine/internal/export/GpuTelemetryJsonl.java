package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.engine.internal.prometheus.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code gpu_telemetry_export.jsonl}: one line per GPU per scrape whose page changed, as AIPerf
 * 0.13's {@code TelemetryRecord} (the GPU's identity, the scrape's wall-clock time, the exporter's
 * URL, and the fields in AIPerf's units under {@code telemetry_data}).
 */
public final class GpuTelemetryJsonl extends JsonlFile {
  /** AIPerf's file name. */
  public static final String FILE = "gpu_telemetry_export.jsonl";

  /**
   * Opens the file.
   *
   * @param dir the artifact directory
   * @param config the run's configuration (its export prefix)
   * @throws IOException if it cannot be created
   */
  public GpuTelemetryJsonl(Path dir, BenchmarkConfig config) throws IOException {
    super(dir, config.exportPrefix().map(p -> p + "_gpu_telemetry.jsonl").orElse(FILE));
  }

  /**
   * Appends one GPU's fields of one scrape.
   *
   * @param url the exporter's URL
   * @param wallNanos when the page was made
   * @param labels the GPU's labels on the page
   * @param fields field key to value, in AIPerf's units
   */
  public void write(String url, long wallNanos, Labels labels, Map<String, Double> fields) {
    line(json -> {
      json.writeStartObject();
      String index = labels.get("gpu");
      json.writeNumberField("gpu_index", index == null ? 0 : Integer.parseInt(index.trim()));
      json.writeStringField("gpu_uuid", orElse(labels.get("UUID"), "gpu-" + index));
      json.writeStringField("gpu_model_name", orElse(labels.get("modelName"), ""));
      optional(json, "pci_bus_id", labels.get("pci_bus_id"));
      optional(json, "device", labels.get("device"));
      optional(json, "hostname", labels.get("Hostname"));
      optional(json, "namespace", labels.get("namespace"));
      optional(json, "pod_name", labels.get("pod"));
      json.writeStringField("platform", "nvidia");
      json.writeNumberField("timestamp_ns", wallNanos);
      json.writeStringField("telemetry_source_url", url);
      json.writeObjectFieldStart("telemetry_data");
      for (Map.Entry<String, Double> f : fields.entrySet()) {
        json.writeNumberField(f.getKey(), f.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    });
    flush();
  }

  private static String orElse(@org.jspecify.annotations.Nullable String v, String other) {
    return v == null ? other : v;
  }

  private static void optional(com.fasterxml.jackson.core.JsonGenerator json, String key,
      @org.jspecify.annotations.Nullable String value) throws IOException {
    if (value != null) {
      json.writeStringField(key, value);
    }
  }
}
