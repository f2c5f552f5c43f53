package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.api.spi.MetricProvider.RecordMetric;
import io.aiperf.api.spi.RequestView;
import io.aiperf.api.spi.RunTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed values for AIPerf's definitions. */
final class CoreMetricProviderTest {
  private final CoreMetricProvider provider = new CoreMetricProvider();

  /** Start at 1,000 ns; content chunks at 21,000 / 26,000 / 31,000 / 41,000 ns. */
  private static RequestView request(int outputTokens, int reasoningTokens, long... times) {
    return request(outputTokens, reasoningTokens, 0, null, times);
  }

  private static RequestView request(int outputTokens, int reasoningTokens, int asked,
      io.aiperf.api.spi.Usage usage, long... times) {
    return new RequestView() {
      @Override
      public int requestedOutputTokens() {
        return asked;
      }

      @Override
      public io.aiperf.api.spi.Usage usage() {
        return usage;
      }

      @Override
      public boolean streaming() {
        return true;
      }

      @Override
      public long startNanos() {
        return 1_000;
      }

      @Override
      public long intendedStartNanos() {
        return 500;
      }

      @Override
      public long issuedNanos() {
        return 800;
      }

      @Override
      public int contentResponseCount() {
        return times.length;
      }

      @Override
      public long contentResponseNanos(int i) {
        return times[i];
      }

      @Override
      public long firstOutputNanos() {
        return reasoningTokens > 0 ? times[times.length - 1] : times[0];
      }

      @Override
      public int inputTokens() {
        return 550;
      }

      @Override
      public int outputTokens() {
        return outputTokens;
      }

      @Override
      public int reasoningTokens() {
        return reasoningTokens;
      }
    };
  }

  private List<Double> compute(String tag, RequestView r) {
    RecordMetric metric = provider.recordMetrics().stream()
        .filter(m -> m.info().tag().equals(tag)).findFirst().orElseThrow();
    List<Double> out = new ArrayList<>();
    metric.compute(r, out::add);
    return out;
  }

  @Test
  void recordMetrics_matchHandComputedValues() {
    RequestView r = request(4, 0, 21_000, 26_000, 31_000, 41_000);
    assertThat(compute("time_to_first_token", r)).containsExactly(20_000.0);
    assertThat(compute("time_to_second_token", r)).containsExactly(5_000.0);
    // latency ends at the last content chunk: 41,000 - 1,000
    assertThat(compute("request_latency", r)).containsExactly(40_000.0);
    // (40,000 - 20,000) / (4 - 1)
    assertThat(compute("inter_token_latency", r).get(0)).isCloseTo(20_000.0 / 3, within(1e-9));
    assertThat(compute("inter_chunk_latency", r)).containsExactly(5_000.0, 5_000.0, 10_000.0);
    // 1 / ITL in seconds = 1e9 / 6,666.67 ns
    assertThat(compute("output_token_throughput_per_user", r).get(0))
        .isCloseTo(1e9 / (20_000.0 / 3), within(1e-6));
    assertThat(compute("output_sequence_length", r)).containsExactly(4.0);
    assertThat(compute("input_sequence_length", r)).containsExactly(550.0);
    // From the intended send at 500 ns: the client's 500 ns of delay are not hidden.
    assertThat(compute("corrected_time_to_first_token", r)).containsExactly(20_500.0);
    assertThat(compute("corrected_request_latency", r)).containsExactly(40_500.0);
    assertThat(compute("schedule_lateness", r)).containsExactly(500.0);
    assertThat(compute("client_queue_time", r)).containsExactly(300.0);
  }

  @Test
  void outputSequenceLength_includesReasoning_outputTokenCountDoesNot() {
    RequestView r = request(3, 5, 21_000, 41_000);
    assertThat(compute("output_sequence_length", r)).containsExactly(8.0);
    assertThat(compute("output_token_count", r)).containsExactly(3.0);
    // ITL divides by OSL - 1, reasoning included: (40,000 - 20,000) / 7
    assertThat(compute("inter_token_latency", r).get(0)).isCloseTo(20_000.0 / 7, within(1e-9));
  }

  @Test
  void reasoningFirst_givesTimeToFirstOutputToken_andDecodeAndPrefill() {
    RequestView r = request(3, 5, 21_000, 31_000, 41_000);
    // The first output (non-reasoning) text came with the last chunk, at 41,000 ns.
    assertThat(compute("time_to_first_output_token", r)).containsExactly(40_000.0);
    assertThat(compute("reasoning_token_count", r)).containsExactly(5.0);
    assertThat(compute("decode_duration", r)).containsExactly(20_000.0);
    // 550 input tokens over a 20 µs TTFT.
    assertThat(compute("prefill_throughput_per_user", r).get(0))
        .isCloseTo(550 / 20e-6, within(1e-3));
    // Without reasoning, TTFO is reported too (as AIPerf does), and equals TTFT.
    RequestView plain = request(4, 0, 21_000, 41_000);
    assertThat(compute("time_to_first_output_token", plain))
        .isEqualTo(compute("time_to_first_token", plain));
  }

  @Test
  void creditQueueLatencies_countFromTheCreditsIssue() {
    // Issued at 800 ns, sent at 1,000, last content at 41,000.
    RequestView r = request(3, 0, 21_000, 41_000);
    assertThat(compute("credit_to_start_latency", r)).containsExactly(200.0);
    assertThat(compute("effective_latency", r)).containsExactly(40_200.0);
  }

  @Test
  void e2eOutputTokenThroughput_isOutputTokensOverTheWholeLatency() {
    // 8 tokens (3 output, 5 reasoning) from the start at 1,000 ns to the last content at 41,000.
    RequestView r = request(3, 5, 21_000, 41_000);
    assertThat(compute("e2e_output_token_throughput", r).get(0))
        .isCloseTo(8 / 40e-6, within(1e-6));
  }

  @Test
  void usageAndOslMismatch_useAiperfThresholds() {
    // Asked 100, got 90: off by 10 > min(5, 50) → a mismatch; server says 120 completion tokens.
    RequestView r = request(90, 0, 100, new io.aiperf.api.spi.Usage(605, 120, 725, -1),
        21_000, 41_000);
    assertThat(compute("usage_prompt_tokens", r)).containsExactly(605.0);
    assertThat(compute("usage_reasoning_tokens", r)).isEmpty();
    // |605 − 550| / 550 = 10 %; |120 − 90| / 90 = 33.3 %.
    assertThat(compute("usage_prompt_tokens_diff_pct", r).get(0)).isCloseTo(10.0, within(1e-9));
    assertThat(compute("usage_completion_tokens_diff_pct", r).get(0))
        .isCloseTo(100.0 / 3, within(1e-9));
    assertThat(compute("usage_discrepancy", r)).containsExactly(1.0);
    assertThat(compute("requested_osl", r)).containsExactly(100.0);
    assertThat(compute("osl_mismatch_diff_pct", r)).containsExactly(-10.0);
    assertThat(compute("osl_mismatch", r)).containsExactly(1.0);
    // Asked 100, got 96: within 5 tokens, no mismatch.
    assertThat(compute("osl_mismatch", request(96, 0, 100, null, 21_000, 41_000)))
        .containsExactly(0.0);
  }

  @Test
  void singleToken_hasNoItlNoTtst() {
    RequestView r = request(1, 0, 21_000);
    assertThat(compute("inter_token_latency", r)).isEmpty();
    assertThat(compute("output_token_throughput_per_user", r)).isEmpty();
    assertThat(compute("time_to_second_token", r)).isEmpty();
    assertThat(compute("inter_chunk_latency", r)).isEmpty();
  }

  @Test
  void derivedMetrics_useTheRunTotals() {
    Map<String, Double> sums = Map.of("output_sequence_length", 1_000.0,
        "input_sequence_length", 5_500.0, "output_token_count", 900.0);
    RunTotals totals = new RunTotals() {
      @Override
      public long requestCount() {
        return 10;
      }

      @Override
      public long errorCount() {
        return 2;
      }

      @Override
      public long durationNanos() {
        return 4_000_000_000L;
      }

      @Override
      public double sum(String tag) {
        return sums.getOrDefault(tag, 0.0);
      }

      @Override
      public long count(String tag) {
        // Every request was checked against its asked length; none had server usage.
        return tag.equals("osl_mismatch") ? 10 : sums.containsKey(tag) ? 10 : 0;
      }

      @Override
      public long requestsSent() {
        return 13;
      }

      @Override
      public long sendSpanNanos() {
        return 3_000_000_000L;
      }

      @Override
      public java.util.OptionalDouble requestedRate() {
        return java.util.OptionalDouble.of(4.5);
      }
    };
    Map<String, Double> values = new java.util.HashMap<>();
    for (DerivedMetric d : provider.derivedMetrics()) {
      d.compute(totals).ifPresent(v -> values.put(d.info().tag(), v * d.info().displayScale()));
    }
    assertThat(values.get("output_token_throughput")).isCloseTo(250.0, within(1e-12));
    assertThat(values.get("request_throughput")).isCloseTo(2.5, within(1e-12));
    assertThat(values.get("request_count")).isEqualTo(10.0);
    assertThat(values.get("error_request_count")).isEqualTo(2.0);
    assertThat(values.get("benchmark_duration")).isCloseTo(4.0, within(1e-12));
    assertThat(values.get("total_osl")).isEqualTo(1_000.0);
    assertThat(values.get("total_isl")).isEqualTo(5_500.0);
    assertThat(values.get("total_output_tokens")).isEqualTo(900.0);
    assertThat(values.get("requested_request_rate")).isEqualTo(4.5);
    // 13 sends spread over 3 s: 12 gaps.
    assertThat(values.get("achieved_request_rate")).isCloseTo(4.0, within(1e-12));
    // (5,500 + 1,000) tokens / 4 s; 5,500 / 4 s; 2 errors of 12 ended requests.
    assertThat(values.get("total_token_throughput")).isCloseTo(1_625.0, within(1e-9));
    assertThat(values.get("input_token_throughput")).isCloseTo(1_375.0, within(1e-9));
    assertThat(values.get("completed_request_count")).isEqualTo(12.0);
    assertThat(values.get("request_error_rate")).isCloseTo(100.0 * 2 / 12, within(1e-9));
    // Checked and none mismatched is a count of 0; never checked is no count at all.
    assertThat(values.get("osl_mismatch_count")).isEqualTo(0.0);
    assertThat(values).doesNotContainKey("usage_discrepancy_count");
  }
}
