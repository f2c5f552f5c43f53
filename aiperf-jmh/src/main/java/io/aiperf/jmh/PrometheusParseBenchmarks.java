package io.aiperf.jmh;

import io.aiperf.engine.internal.prometheus.Exposition;
import io.aiperf.engine.internal.prometheus.PrometheusText;
import io.aiperf.engine.internal.servermetrics.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one scrape of a large Prometheus page costs the server-metrics service (on its own thread,
 * every 333 ms): a 200 KB page in vLLM's shape (gauges, counters by label, histograms with
 * vLLM's buckets, for 16 models and 2 engines each) parsed, and parsed then grouped into series.
 * Scores are microseconds per page.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
@SuppressWarnings("NullAway.Init") // set by @Setup before any benchmark method
public class PrometheusParseBenchmarks {
  /** The page's size in bytes, about. */
  static final int PAGE_BYTES = 200 * 1024;
  private static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
      0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};

  String page;
  byte[] bytes;

  @Setup
  public void setUp() {
    page = page(PAGE_BYTES);
    bytes = page.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A page in vLLM's shape of about {@code bytes} bytes: whole model blocks until it is reached.
   *
   * @param bytes the size wanted
   * @return the page
   */
  static String page(int bytes) {
    StringBuilder out = new StringBuilder(bytes + 16 * 1024);
    int model = 0;
    while (out.length() < bytes) {
      for (int engine = 0; engine < 2 && out.length() < bytes; engine++) {
        String labels = String.format(Locale.ROOT,
            "engine=\"%d\",model_name=\"org/model-%02d-70B-Instruct\"", engine, model);
        out.append("# HELP vllm:num_requests_running Number of requests in model execution"
            + " batches.\n# TYPE vllm:num_requests_running gauge\n");
        out.append("vllm:num_requests_running{").append(labels).append("} ")
            .append(model + engine).append(".0\n");
        out.append("# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage."
            + "\n# TYPE vllm:kv_cache_usage_perc gauge\n");
        out.append("vllm:kv_cache_usage_perc{").append(labels).append("} 0.")
            .append(1000 + model * 7 + engine).append('\n');
        out.append("# HELP vllm:request_success_total Count of successfully processed"
            + " requests.\n# TYPE vllm:request_success_total counter\n");
        for (String reason : new String[] {"stop", "length", "abort"}) {
          out.append("vllm:request_success_total{").append(labels)
              .append(",finished_reason=\"").append(reason).append("\"} ")
              .append(12345 + model).append(".0\n");
        }
        for (String h : new String[] {"vllm:time_to_first_token_seconds",
            "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds"}) {
          out.append("# HELP ").append(h).append(" Histogram of latency in seconds.\n# TYPE ")
              .append(h).append(" histogram\n");
          long cumulative = 0;
          for (double b : BUCKETS) {
            cumulative += 17 + model;
            out.append(h).append("_bucket{").append(labels).append(",le=\"").append(b)
                .append("\"} ").append(cumulative).append(".0\n");
          }
          out.append(h).append("_bucket{").append(labels).append(",le=\"+Inf\"} ")
              .append(cumulative).append(".0\n");
          out.append(h).append("_count{").append(labels).append("} ").append(cumulative)
              .append(".0\n");
          out.append(h).append("_sum{").append(labels).append("} ").append(cumulative * 0.137)
              .append('\n');
        }
      }
      model++;
    }
    return out.toString();
  }

  /**
   * Parses the page.
   *
   * @return the families, for the blackhole
   */
  @Benchmark
  public Exposition parse() {
    return PrometheusText.parse(page);
  }

  /**
   * Parses the page and groups it into series, as each scrape is kept.
   *
   * @return the snapshot, for the blackhole
   */
  @Benchmark
  public Snapshot parseAndGroup() {
    return Snapshot.of(PrometheusText.parse(page));
  }

  /**
   * Decodes the page's bytes and parses them, as a scrape receives it.
   *
   * @return the families, for the blackhole
   */
  @Benchmark
  public Exposition decodeAndParse() {
    return PrometheusText.parse(new String(bytes, StandardCharsets.UTF_8));
  }
}
