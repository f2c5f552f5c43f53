package io.aiperf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class BenchmarkBuilderTest {
  private static EndpointConfig chat() {
    return Endpoints.openAiChat("http://127.0.0.1:8000").model("qwen");
  }

  @Test
  void build_defaults_matchAiperf() {
    BenchmarkConfig c = Benchmark.builder().endpoint(chat()).build();
    assertThat(c.concurrency()).isEqualTo(1);
    assertThat(c.requestCount()).isEqualTo(10);
    assertThat(c.endpoint().requestTimeout()).isEqualTo(Duration.ofSeconds(21_600));
    SyntheticDataset d = (SyntheticDataset) c.dataset();
    assertThat(d.inputTokensMean()).isEqualTo(550);
    assertThat(d.outputTokensMean()).isEmpty();
  }

  @Test
  void warmup_defaultsToTheProfilingShape_unlessItsOwnIsGiven() {
    BenchmarkConfig plain = Benchmark.builder().endpoint(chat().streaming(true)).requestRate(5)
        .arrivalPattern(ArrivalPattern.GAMMA).prefillConcurrency(2)
        .requestRateRampDuration(Duration.ofSeconds(3)).warmupNumSessions(4).build();
    assertThat(plain.hasWarmup()).isTrue();
    assertThat(plain.warmupNumSessions()).hasValue(4);
    assertThat(plain.warmupArrivalPattern()).isEqualTo(ArrivalPattern.GAMMA);
    assertThat(plain.warmupPrefillConcurrency()).hasValue(2);
    assertThat(plain.warmupRequestRateRampDuration()).hasValue(Duration.ofSeconds(3));
    BenchmarkConfig own = plain.toBuilder().warmupArrivalPattern(ArrivalPattern.CONSTANT)
        .warmupPrefillConcurrency(1).warmupRequestRateRampDuration(Duration.ofSeconds(1))
        .warmupConcurrencyRampDuration(Duration.ofSeconds(2)).build();
    assertThat(own.warmupArrivalPattern()).isEqualTo(ArrivalPattern.CONSTANT);
    assertThat(own.arrivalPattern()).isEqualTo(ArrivalPattern.GAMMA);
    assertThat(own.warmupPrefillConcurrency()).hasValue(1);
    assertThat(own.warmupConcurrencyRampDuration()).hasValue(Duration.ofSeconds(2));
    assertThat(own.concurrencyRampDuration()).isEmpty();
  }

  @Test
  void warmupSettings_withoutAWarmupOrWhatTheyNeed_areReported() {
    assertThatThrownBy(() -> Benchmark.builder().endpoint(chat()).warmupGracePeriod(
        Duration.ofSeconds(5)).warmupArrivalPattern(ArrivalPattern.CONSTANT)
        .warmupPrefillConcurrency(2).build())
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly(
                "warmupGracePeriod was set but it applies to a warmup by duration"
                    + " (warmupDuration) only",
                "warmupArrivalPattern was set but it needs a request rate (warmupRequestRate"
                    + " or requestRate)",
                "warmupPrefillConcurrency was set but it needs streaming: the first token is"
                    + " what ends a request's prefill",
                "warmup settings were given but no warmup runs: set warmupRequestCount,"
                    + " warmupDuration or warmupNumSessions"));
  }

  @Test
  void systemPrompt_isOneOrTheOther_textOrSynthetic() {
    assertThat(Datasets.synthetic().systemPrompt("Be brief.").systemPrompt())
        .hasValue("Be brief.");
    assertThatThrownBy(() -> Benchmark.builder().endpoint(chat())
        .dataset(Datasets.synthetic().systemPrompt("Be brief.").sharedSystemPrompt(50)).build())
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly("systemPrompt was given with"
                + " sharedSystemPrompt: a conversation starts with one system prompt, the given"
                + " text or a synthetic one"));
  }

  @Test
  void build_defaultRequestCount_isTwiceConcurrencyAboveFive() {
    assertThat(Benchmark.builder().endpoint(chat()).concurrency(64).build().requestCount())
        .isEqualTo(128);
  }

  @Test
  void build_workers_cappedByConcurrency() {
    assertThat(Benchmark.builder().endpoint(chat()).concurrency(1).build().workers()).isEqualTo(1);
  }

  @Test
  void build_reportsEveryProblemAtOnce() {
    var builder = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("ftp://host").header("Bad Name", "v")
            .requestTimeout(Duration.ZERO))
        .concurrency(0)
        .requestCount(-5)
        .dataset(Datasets.synthetic().inputTokens(0, -1).outputTokens(0, 0));
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly(
                "model was not set but it is required (the model name the server serves)",
                "url was 'ftp://host' but its scheme must be http, https or h2c (HTTP/2 cleartext)",
                "requestTimeout was 'PT0S' but it must be positive",
                "header name was 'Bad Name' but it must be a non-empty HTTP token"
                    + " (letters, digits and !#$%&'*+-.^_`|~)",
                "concurrency was '0' but it must be at least 1",
                "requestCount was '-5' but it must be at least 1",
                "input tokens mean (isl) was '0.0' but it must be at least 1",
                "input tokens stddev (isl-stddev) was '-1.0' but it must be >= 0",
                "output tokens mean (osl) was '0.0' but it must be at least 1"))
        .hasMessageStartingWith("Invalid benchmark configuration:\n  - model was not set");
  }

  @Test
  void build_withoutEndpoint_failsNamingIt() {
    assertThatThrownBy(() -> Benchmark.builder().build())
        .isInstanceOf(InvalidBenchmarkConfigException.class)
        .hasMessageContaining("endpoint was not set but it is required");
  }

  @Test
  void url_withoutScheme_isAccepted() {
    assertThat(Benchmark.builder().endpoint(Endpoints.openAiChat("localhost:8000").model("m"))
        .build().endpoint().url()).isEqualTo("localhost:8000");
  }

  @Test
  void endpoint_toString_redactsApiKey() {
    assertThat(chat().apiKey("sk-secret-123").toString()).doesNotContain("sk-secret-123")
        .contains("apiKey=<redacted>");
  }

  @Test
  void endpoint_isImmutable() {
    EndpointConfig base = chat();
    EndpointConfig streaming = base.streaming(true);
    assertThat(base.streaming()).isFalse();
    assertThat(streaming.streaming()).isTrue();
  }

  @Test
  void toBuilder_makesVariants() {
    BenchmarkConfig a = Benchmark.builder().endpoint(chat()).concurrency(4).build();
    BenchmarkConfig b = a.toBuilder().concurrency(8).build();
    assertThat(a.concurrency()).isEqualTo(4);
    assertThat(b.concurrency()).isEqualTo(8);
    assertThat(b.endpoint()).isSameAs(a.endpoint());
  }
}
