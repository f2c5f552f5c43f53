package io.aiperf.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One GPU's telemetry over the profiling window, keyed as AIPerf's {@code telemetry_data} keys it:
 * {@code nvidia_power_usage} (W), {@code nvidia_energy_consumption} (MJ, the counter's increase),
 * {@code nvidia_gpu_utilization} and {@code nvidia_memory_utilization} (%),
 * {@code nvidia_memory_used} (GB), {@code nvidia_temperature} (°C), and, beyond AIPerf's set,
 * {@code nvidia_memory_total} (GB), {@code nvidia_sm_clock} and {@code nvidia_memory_clock} (MHz).
 *
 * @param endpoint the DCGM exporter's URL
 * @param index the GPU's index on its host
 * @param uuid its UUID
 * @param name its model name
 * @param platform {@code nvidia}
 * @param hostname its host, "" when the exporter does not say
 * @param metrics metric key to its statistics (a counter's increase as a scalar)
 * @since 0.1.0
 */
public record GpuMetrics(String endpoint, int index, String uuid, String name, String platform,
    String hostname, Map<String, MetricResult> metrics) {
  /**
   * Copies the map, keeping its order.
   *
   * @param endpoint the DCGM exporter's URL
   * @param index the GPU's index on its host
   * @param uuid its UUID
   * @param name its model name
   * @param platform {@code nvidia}
   * @param hostname its host, "" when the exporter does not say
   * @param metrics metric key to its statistics (a counter's increase as a scalar)
   */
  public GpuMetrics {
    Objects.requireNonNull(uuid, "uuid");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /**
   * Returns one metric.
   *
   * @param key e.g. {@code nvidia_power_usage}
   * @return its statistics
   * @throws IllegalArgumentException if the exporter did not report it (the message lists those
   *     it did)
   */
  public MetricResult metric(String key) {
    MetricResult m = metrics.get(key);
    if (m == null) {
      throw new IllegalArgumentException("No GPU metric '" + key + "' for GPU " + index + " ("
          + uuid + "); it has " + metrics.keySet());
    }
    return m;
  }
}
