package io.aiperf.engine.internal.sweep;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Cost;
import io.aiperf.api.Estimate;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Metrics;
import io.aiperf.api.SyntheticDataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What sweeps and searches share: running one benchmark, pausing, pricing, Pareto sets. */
final class Runs {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  private Runs() {}

  /** One run's outcome: a result, or the reason there is none. */
  record Outcome(String label, @Nullable BenchmarkResult result, @Nullable String error) {}

  /** Runs a configuration; a failure becomes an outcome, so one bad run never ends a sweep. */
  static Outcome run(String label, Benchmark.Builder config) {
    try {
      return new Outcome(label, Benchmark.run(config.build()), null);
    } catch (BenchmarkFailedException e) {
      log.warn("{} failed: {}", label, e.getMessage());
      return new Outcome(label, null, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("{} could not run: {}", label, e.toString());
      return new Outcome(label, null, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** Seeds an unseeded synthetic dataset with AIPerf's 42, for identical prompts in every run. */
  static void consistentSeed(Benchmark.Builder b, io.aiperf.api.DatasetConfig dataset) {
    if (dataset instanceof SyntheticDataset s && s.seed().isEmpty()) {
      b.dataset(s.seed(42));
    }
  }

  static void pause(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Optional<Path> under(Optional<Path> base, String... parts) {
    return base.map(p -> {
      Path out = p;
      for (String part : parts) {
        out = out.resolve(part);
      }
      return out;
    });
  }

  /** The price of several runs together: their durations and tokens add up. */
  static Optional<Cost> cost(List<BenchmarkResult> runs, double perHour, int gpus) {
    if (Double.isNaN(perHour) || runs.isEmpty()) {
      return Optional.empty();
    }
    double seconds = 0;
    double in = 0;
    double out = 0;
    long requests = 0;
    for (BenchmarkResult r : runs) {
      seconds += r.find(Metrics.BENCHMARK_DURATION).map(MetricResult::avg)
          .orElse(r.duration().toNanos() / 1e9);
      in += r.find(Metrics.TOTAL_INPUT_SEQUENCE_LENGTH).map(MetricResult::avg).orElse(0.0);
      out += r.find(Metrics.TOTAL_OUTPUT_TOKENS).map(MetricResult::avg)
          .or(() -> r.find(Metrics.TOTAL_OUTPUT_SEQUENCE_LENGTH).map(MetricResult::avg))
          .orElse(0.0);
      requests += r.requestsCompleted();
    }
    return Optional.of(Cost.of(seconds, in, out, requests, perHour, gpus));
  }

  /** The latency key of AIPerf's Pareto frontier: TTFT p99, else request latency p99. */
  static @Nullable String latencyKey(List<Map<String, Estimate>> points) {
    for (String key : List.of("time_to_first_token_p99", "request_latency_p99")) {
      if (!points.isEmpty() && points.stream().allMatch(p -> p.containsKey(key))) {
        return key;
      }
    }
    return null;
  }

  /**
   * AIPerf's throughput-vs-latency Pareto set: the points no other point dominates (throughput
   * at least as high and latency at least as low, one of them strictly).
   */
  static boolean[] pareto(List<Map<String, Estimate>> points) {
    boolean[] optimal = new boolean[points.size()];
    String latency = latencyKey(points);
    String tput = "request_throughput_avg";
    if (latency == null || !points.stream().allMatch(p -> p.containsKey(tput))) {
      return optimal;
    }
    for (int i = 0; i < points.size(); i++) {
      double ti = mean(points.get(i), tput);
      double li = mean(points.get(i), latency);
      boolean dominated = false;
      for (int j = 0; j < points.size() && !dominated; j++) {
        double tj = mean(points.get(j), tput);
        double lj = mean(points.get(j), latency);
        dominated = j != i && tj >= ti && lj <= li && (tj > ti || lj < li);
      }
      optimal[i] = !dominated;
    }
    return optimal;
  }

  /** The mean of an estimate known to be present (checked by the caller); NaN otherwise. */
  static double mean(Map<String, Estimate> m, String key) {
    Estimate e = m.get(key);
    return e == null ? Double.NaN : e.mean();
  }

  static Estimate get(Map<String, Estimate> m, String key) {
    return java.util.Objects.requireNonNull(m.get(key), key);
  }

  static List<BenchmarkResult> results(List<Outcome> outcomes) {
    List<BenchmarkResult> out = new ArrayList<>();
    outcomes.forEach(o -> {
      if (o.result() != null) {
        out.add(o.result());
      }
    });
    return out;
  }

  static List<String> failures(List<Outcome> outcomes) {
    List<String> out = new ArrayList<>();
    outcomes.forEach(o -> {
      if (o.error() != null) {
        out.add(o.label() + ": " + o.error());
      }
    });
    return out;
  }
}
