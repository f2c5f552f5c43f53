package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OSL and token-count warnings name the cause the numbers show, and its fix. */
final class TokenWarningsTest {
  private static BenchmarkConfig config(EndpointConfig endpoint) {
    return Benchmark.builder().endpoint(endpoint.model("m"))
        .dataset(Datasets.synthetic().inputTokens(8, 0)).requestCount(1).build();
  }

  private static BenchmarkConfig chat() {
    return config(Endpoints.openAiChat("http://127.0.0.1:1"));
  }

  /** A distribution: min, p50, max, mean and std are what the warnings read. */
  private static MetricResult dist(String tag, double min, double p50, double max, double avg,
      double std) {
    return new MetricResult(new MetricTag(tag), tag, "", false, 40, avg, min, max, avg * 40, std,
        min, min, min, p50, p50, p50, max, max, max);
  }

  private static MetricResult scalar(String tag, double value) {
    return MetricResult.scalar(new MetricTag(tag), tag, "", value);
  }

  private static List<MetricResult> osl(double min, double p50, double max) {
    return List.of(scalar("osl_mismatch_count", 40), dist("requested_osl", 100, 100, 100, 100, 0),
        dist("osl_mismatch_diff_pct", min, p50, max, p50, 1));
  }

  @Test
  void outputFarAboveTheCap_saysTheCapWasIgnored_andNamesTheLegacyField() {
    assertThat(Warnings.osl(chat(), osl(-20, 400, 900))).get().asString()
        .contains("40 of 40 requests").contains("up to 900 % longer than asked")
        .contains("ignored the length cap").contains("max_completion_tokens")
        .contains("--use-legacy-max-tokens").contains("useLegacyMaxTokens(true)")
        .doesNotContain("ignore_eos");
  }

  @Test
  void aboveTheCapWithTheLegacyFieldAlready_pointsAtTheFieldTheServerReads() {
    BenchmarkConfig legacy = config(Endpoints.openAiChat("http://127.0.0.1:1")
        .useLegacyMaxTokens(true));
    assertThat(Warnings.osl(legacy, osl(30, 200, 300))).get().asString()
        .contains("ignored the length cap it was sent (max_tokens)").contains("--extra-inputs")
        .doesNotContain("--use-legacy-max-tokens").doesNotContain("ignore_eos");
  }

  @Test
  void outputBelowTheCap_saysTheServerStoppedEarly_andNamesIgnoreEos() {
    assertThat(Warnings.osl(chat(), osl(-80, -40, 0))).get().asString()
        .contains("stopped early").contains("ignore_eos:true").contains("min_tokens")
        .contains("median -40 %").doesNotContain("--use-legacy-max-tokens");
  }

  @Test
  void slightlyAboveByTheClientsCount_isNotCalledAnIgnoredCap() {
    // 20 % over, counted by the client's tokenizer: a tokenizer difference, not proof.
    assertThat(Warnings.osl(chat(), osl(-30, -10, 20))).get().asString()
        .contains("stopped early");
    // The same excess counted by the server is proof.
    BenchmarkConfig server = config(Endpoints.openAiChat("http://127.0.0.1:1")
        .useServerTokenCount(true));
    assertThat(Warnings.osl(server, osl(-30, -10, 20))).get().asString()
        .contains("ignored the length cap");
  }

  @Test
  void noMismatch_noOslWarning() {
    assertThat(Warnings.osl(chat(), List.of(dist("requested_osl", 100, 100, 100, 100, 0))))
        .isEmpty();
  }

  private static List<MetricResult> prompts(MetricResult server, MetricResult client,
      double maxPct) {
    return List.of(scalar("usage_discrepancy_count", 40), server, client,
        dist("usage_prompt_tokens_diff_pct", maxPct / 2, maxPct / 2, maxPct, maxPct / 2, 1),
        dist("usage_completion_tokens_diff_pct", -1, 0, 1, 0, 0.5));
  }

  @Test
  void aConstantPromptOverhead_isNamedAsTheChatTemplate() {
    List<String> w = Warnings.tokenCounts(prompts(
        dist("usage_prompt_tokens", 113, 213, 313, 213, 50),
        dist("input_sequence_length", 100, 200, 300, 200, 50), 13));
    assertThat(w).singleElement().asString().contains("13 more prompt tokens per request")
        .contains("the same for prompts of every length").contains("chat template")
        .contains("--apply-chat-template").contains("--use-server-token-count")
        .doesNotContain("--tokenizer");
  }

  @Test
  void aConstantOverheadOnEqualPrompts_namesBothPossibleCauses() {
    List<String> w = Warnings.tokenCounts(prompts(
        dist("usage_prompt_tokens", 120, 120, 120, 120, 0),
        dist("input_sequence_length", 100, 100, 100, 100, 0), 20));
    assertThat(w).singleElement().asString().contains("20 more prompt tokens")
        .contains("chat template").contains("--tokenizer");
  }

  @Test
  void aGapThatGrowsWithThePrompt_isTheTokenizer() {
    // 30 % more at every length: 130 over 100, 390 over 300.
    List<String> w = Warnings.tokenCounts(prompts(
        dist("usage_prompt_tokens", 130, 260, 390, 260, 65),
        dist("input_sequence_length", 100, 200, 300, 200, 50), 30));
    assertThat(w).singleElement().asString()
        .contains("differ from the client tokenizer's by more than 10 %").contains("--tokenizer")
        .doesNotContain("chat template");
  }

  @Test
  void completionCountsOff_withPromptsMatching_isTheTokenizer() {
    List<String> w = Warnings.tokenCounts(List.of(scalar("usage_discrepancy_count", 3),
        dist("usage_prompt_tokens_diff_pct", -1, 0, 1, 0, 0.5),
        dist("usage_completion_tokens_diff_pct", 5, 15, 40, 15, 5)));
    assertThat(w).singleElement().asString().startsWith("For 3 requests")
        .contains("--tokenizer");
  }

  @Test
  void aTemplateAndACompletionGap_giveOneWarningEach() {
    List<MetricResult> m = List.of(scalar("usage_discrepancy_count", 40),
        dist("usage_prompt_tokens", 113, 213, 313, 213, 50),
        dist("input_sequence_length", 100, 200, 300, 200, 50),
        dist("usage_prompt_tokens_diff_pct", 4, 6, 13, 7, 2),
        dist("usage_completion_tokens_diff_pct", 20, 25, 30, 25, 2));
    assertThat(Warnings.tokenCounts(m)).hasSize(2)
        .anyMatch(s -> s.contains("chat template")).anyMatch(s -> s.contains("--tokenizer)"));
  }

  @Test
  void noDiscrepancy_noWarning() {
    assertThat(Warnings.tokenCounts(List.of(
        dist("usage_prompt_tokens_diff_pct", -1, 0, 1, 0, 0.5)))).isEmpty();
  }
}
