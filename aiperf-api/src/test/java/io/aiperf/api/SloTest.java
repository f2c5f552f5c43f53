package io.aiperf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class SloTest {
  private static BenchmarkResult result() {
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("m")).concurrency(8)
        .build();
    MetricResult ttft = new MetricResult(new MetricTag("time_to_first_token"),
        "Time to First Token", "ms", false, 10, 150, 100, 400, 1500, 50, 100, 100, 100, 120, 140,
        160, 200, 300, 312.4);
    MetricResult tput = MetricResult.scalar(new MetricTag("output_token_throughput"),
        "Output Token Throughput", "tokens/sec", 1_200);
    return new BenchmarkResult(config, "LLM Metrics", List.of(ttft, tput), List.of(), 10, 10, 0,
        0, Instant.EPOCH, Instant.EPOCH, false, 1, List.of(), Optional.empty(), Map.of());
  }

  @Test
  void parse_readsMetricStatisticOperatorAndUnit() {
    assertThat(Slo.parse("time_to_first_token.p99<200ms")).isEqualTo(new Slo(
        new MetricTag("time_to_first_token"), Statistic.P99, Slo.Comparison.LESS, 200));
    assertThat(Slo.parse(" request_latency.p50 <= 1.5s ")).isEqualTo(new Slo(
        new MetricTag("request_latency"), Statistic.P50, Slo.Comparison.LESS_OR_EQUAL, 1500));
    assertThat(Slo.parse("output_token_throughput>=1000")).isEqualTo(new Slo(
        new MetricTag("output_token_throughput"), Statistic.AVG,
        Slo.Comparison.GREATER_OR_EQUAL, 1000));
  }

  @Test
  void parse_rejectsBadText_namingIt() {
    assertThatThrownBy(() -> Slo.parse("ttft under 200"))
        .hasMessage("SLO was 'ttft under 200' but it must look like 'metric.stat<number[unit]>',"
            + " e.g. time_to_first_token.p99<200ms");
    assertThatThrownBy(() -> Slo.parse("time_to_first_token.p98<200"))
        .hasMessageContaining("'p98' is not a statistic");
  }

  @Test
  void check_listsEveryBrokenSlo_withMeasuredValueAndRun() {
    List<SloViolation> broken = result().check(List.of(
        Slo.parse("time_to_first_token.p99<200ms"),
        Slo.parse("time_to_first_token.p50<200ms"),
        Slo.parse("output_token_throughput>=2000"),
        Slo.parse("inter_token_latency.avg<10")));
    assertThat(broken).extracting(SloViolation::message).containsExactly(
        "time_to_first_token p99 was 312.400 ms, not < 200.0 [chat http://127.0.0.1:8000,"
            + " concurrency 8]",
        "output_token_throughput avg was 1200.000 tokens/sec, not >= 2000.0 [chat"
            + " http://127.0.0.1:8000, concurrency 8]",
        "no 'inter_token_latency' in this run [chat http://127.0.0.1:8000, concurrency 8]");
    assertThat(result().check(List.of(Slo.parse("time_to_first_token.max<=400")))).isEmpty();
  }
}
