package io.aiperf.jmh;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Metrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Shows a workload's LLM metrics in JMH's own results: TTFT, ITL and request latency percentiles
 * of the last aiperf run of each iteration. Enable with {@code -prof io.aiperf.jmh.AiperfProfiler};
 * a benchmark hands its result over with {@link #record(BenchmarkResult)}.
 *
 * <pre>{@code
 * @Benchmark
 * public BenchmarkResult workload() {
 *   BenchmarkResult r = Benchmark.builder()...run();
 *   AiperfProfiler.record(r);
 *   return r;
 * }
 * }</pre>
 */
public final class AiperfProfiler implements InternalProfiler {
  private static final AtomicReference<BenchmarkResult> LAST = new AtomicReference<>();

  /**
   * Hands a run's result to the profiler.
   *
   * @param result the result
   */
  public static void record(BenchmarkResult result) {
    LAST.set(result);
  }

  @Override
  public String getDescription() {
    return "aiperf LLM metrics (TTFT, ITL, request latency percentiles) of the workload";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    LAST.set(null);
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    BenchmarkResult r = LAST.get();
    List<Result> out = new ArrayList<>();
    if (r == null) {
      return out;
    }
    add(out, r, Metrics.TIME_TO_FIRST_TOKEN, "ttft");
    add(out, r, Metrics.INTER_TOKEN_LATENCY, "itl");
    add(out, r, Metrics.REQUEST_LATENCY, "latency");
    return out;
  }

  private static void add(List<Result> out, BenchmarkResult r,
      io.aiperf.api.MetricTag tag, String name) {
    r.find(tag).ifPresent((MetricResult m) -> {
      out.add(new ScalarResult("aiperf." + name + ".p50", m.p50(), m.unit(),
          AggregationPolicy.AVG));
      out.add(new ScalarResult("aiperf." + name + ".p99", m.p99(), m.unit(),
          AggregationPolicy.AVG));
    });
  }
}
