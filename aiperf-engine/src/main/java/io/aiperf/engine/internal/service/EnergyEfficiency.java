package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.GpuMetrics;
import io.aiperf.api.GpuTelemetry;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * AIPerf 0.13's energy-efficiency metrics ({@code metrics/energy_efficiency_analyzer.py}), with
 * its tags, headers and units, from the GPUs' telemetry over the profiling window and the
 * client's own totals. Energy is the DCGM energy counters' increase, summed over the GPUs; when no
 * GPU has the counter, the summed average power times the benchmark's duration.
 */
final class EnergyEfficiency {
  /** Every tag this may add, for the console to show them in a table of their own. */
  static final Set<String> TAGS = Set.of("nvidia_total_gpu_power", "nvidia_average_gpu_power",
      "nvidia_total_gpu_energy", "nvidia_output_tokens_per_joule",
      "nvidia_energy_per_output_token", "nvidia_energy_per_total_token",
      "nvidia_energy_per_request", "nvidia_energy_per_user", "nvidia_energy_delay_product",
      "nvidia_performance_per_watt", "nvidia_output_tps_per_watt", "nvidia_goodput_per_watt");

  private EnergyEfficiency() {}

  static List<MetricResult> metrics(GpuTelemetry t, BenchmarkResult r) {
    double energy = 0;
    int energyGpus = 0;
    double power = 0;
    int powerGpus = 0;
    for (GpuMetrics g : t.gpus()) {
      MetricResult e = g.metrics().get("nvidia_energy_consumption");
      if (e != null && Double.isFinite(e.avg())) {
        energy += e.avg() * 1e6; // MJ
        energyGpus++;
      }
      MetricResult p = g.metrics().get("nvidia_power_usage");
      if (p != null && Double.isFinite(p.avg())) {
        power += p.avg();
        powerGpus++;
      }
    }
    double duration = metric(r, "benchmark_duration").orElse(0);
    List<MetricResult> out = new ArrayList<>();
    if (powerGpus > 0) {
      out.add(scalar("nvidia_total_gpu_power", "Total GPU Power", "W", power));
    }
    double averagePower;
    if (energyGpus > 0 && energy > 0) {
      averagePower = duration > 0 ? energy / duration : 0;
    } else if (powerGpus > 0 && power > 0 && duration > 0) {
      energy = power * duration;
      averagePower = power;
    } else {
      return out;
    }
    if (averagePower > 0) {
      out.add(scalar("nvidia_average_gpu_power", "Average GPU Power", "W", averagePower));
    }
    out.add(scalar("nvidia_total_gpu_energy", "Total GPU Energy", "J", energy));
    OptionalDouble outputTokens = metric(r, "total_osl");
    if (outputTokens.isPresent() && outputTokens.getAsDouble() != 0) {
      double tokens = outputTokens.getAsDouble();
      out.add(scalar("nvidia_output_tokens_per_joule", "Output Tokens per Joule", "tokens/J",
          tokens / energy));
      out.add(scalar("nvidia_energy_per_output_token", "Energy per Output Token", "mJ/token",
          energy * 1000 / tokens));
    }
    double totalTokens = metric(r, "total_isl").orElse(0) + outputTokens.orElse(0);
    if (totalTokens > 0) {
      out.add(scalar("nvidia_energy_per_total_token", "Energy per Total Token", "mJ/token",
          energy * 1000 / totalTokens));
    }
    OptionalDouble requests = metric(r, "request_count");
    double perRequest = Double.NaN;
    if (requests.isPresent() && requests.getAsDouble() != 0) {
      perRequest = energy / requests.getAsDouble();
      out.add(scalar("nvidia_energy_per_request", "Energy per Request", "joules/request",
          perRequest));
    }
    int concurrency = r.config().concurrency();
    if (concurrency > 0) {
      out.add(scalar("nvidia_energy_per_user", "Energy per User", "joules/user",
          energy / concurrency));
    }
    OptionalDouble latency = metric(r, "request_latency");
    if (!Double.isNaN(perRequest) && latency.isPresent() && latency.getAsDouble() != 0) {
      out.add(scalar("nvidia_energy_delay_product", "Energy Delay Product", "J*s",
          perRequest * latency.getAsDouble() / 1000));
    }
    if (averagePower > 0) {
      metric(r, "request_throughput").ifPresent(v -> out.add(scalar(
          "nvidia_performance_per_watt", "Performance per Watt", "requests/sec/W",
          v / averagePower)));
      metric(r, "output_token_throughput").ifPresent(v -> out.add(scalar(
          "nvidia_output_tps_per_watt", "Output Tokens per Second per Watt", "tokens/sec/W",
          v / averagePower)));
      metric(r, "goodput").ifPresent(v -> out.add(scalar("nvidia_goodput_per_watt",
          "Goodput per Watt", "good-req/s/W", v / averagePower)));
    }
    return out;
  }

  private static OptionalDouble metric(BenchmarkResult r, String tag) {
    return r.find(new MetricTag(tag)).map(m -> OptionalDouble.of(m.avg()))
        .orElse(OptionalDouble.empty());
  }

  private static MetricResult scalar(String tag, String header, String unit, double value) {
    return MetricResult.scalar(new MetricTag(tag), header, unit, value);
  }
}
