package io.aiperf.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the GPUs' DCGM exporters said during the profiling window (AIPerf's GPUTelemetryManager),
 * per GPU, and AIPerf's energy-efficiency metrics over that window, tagged as AIPerf tags them
 * ({@code nvidia_total_gpu_energy}, {@code nvidia_average_gpu_power},
 * {@code nvidia_energy_per_output_token}, {@code nvidia_output_tokens_per_joule},
 * {@code nvidia_performance_per_watt}, ...). The efficiency metrics are also among the result's
 * {@link BenchmarkResult#metrics()}.
 *
 * <pre>{@code
 * double tokensPerJoule = result.gpuTelemetry().orElseThrow()
 *     .efficiency("nvidia_output_tokens_per_joule").orElseThrow().avg();
 * }</pre>
 *
 * @param endpointsConfigured every DCGM endpoint that was to be scraped
 * @param endpointsReachable those that answered with a DCGM page
 * @param start the window's start
 * @param end the window's end
 * @param gpus every GPU seen, by endpoint then index
 * @param efficiency the energy-efficiency metrics (scalars), empty without power or energy data
 * @param problems what went wrong, in plain words; empty when nothing did
 * @since 0.1.0
 */
public record GpuTelemetry(List<String> endpointsConfigured, List<String> endpointsReachable,
    Instant start, Instant end, List<GpuMetrics> gpus, List<MetricResult> efficiency,
    List<String> problems) {
  /**
   * Copies the lists.
   *
   * @param endpointsConfigured every DCGM endpoint that was to be scraped
   * @param endpointsReachable those that answered with a DCGM page
   * @param start the window's start
   * @param end the window's end
   * @param gpus every GPU seen, by endpoint then index
   * @param efficiency the energy-efficiency metrics (scalars), empty without power or energy data
   * @param problems what went wrong, in plain words; empty when nothing did
   */
  public GpuTelemetry {
    endpointsConfigured = List.copyOf(endpointsConfigured);
    endpointsReachable = List.copyOf(endpointsReachable);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    gpus = List.copyOf(gpus);
    efficiency = List.copyOf(efficiency);
    problems = List.copyOf(problems);
  }

  /**
   * Looks up an energy-efficiency metric.
   *
   * @param tag AIPerf's tag, e.g. {@code nvidia_output_tokens_per_joule}
   * @return the metric, empty when it could not be computed
   */
  public Optional<MetricResult> efficiency(String tag) {
    return efficiency.stream().filter(m -> m.tag().tag().equals(tag)).findFirst();
  }
}
