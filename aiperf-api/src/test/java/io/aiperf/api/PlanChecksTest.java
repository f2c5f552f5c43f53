package io.aiperf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad sweep and search plans fail at build(), every problem named with what would be valid. */
final class PlanChecksTest {
  private static BenchmarkConfig base() {
    return Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("m"))
        .build();
  }

  private static List<String> problems(Runnable build) {
    try {
      build.run();
    } catch (InvalidBenchmarkConfigException e) {
      return e.problems();
    }
    throw new AssertionError("no problem was reported");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1.0, 1.5, -0.1, Double.NaN})
  void aConfidenceLevelOutsideZeroToOne_isRefusedByBothPlans_inTheSameWords(double level) {
    String expected = "confidenceLevel was '" + level + "' but it must be between 0 and 1"
        + " (exclusive), e.g. 0.95";
    assertThat(problems(() -> SweepPlan.over(base()).runs(3).confidenceLevel(level).build()))
        .containsExactly(expected);
    assertThat(problems(() -> SearchPlan.over(base()).requestRate(1, 10)
        .ttft(Duration.ofMillis(100)).confidenceLevel(level).build())).containsExactly(expected);
  }

  @Test
  void anEmptyList_orValuesThatAreNotPositiveNumbers_areEachNamed() {
    assertThat(problems(() -> SweepPlan.over(base()).concurrency().build()))
        .containsExactly("concurrency was '[]' but a sweep needs at least one value");
    assertThat(problems(() -> SweepPlan.over(base())
        .requestRate(5, Double.NaN, Double.POSITIVE_INFINITY, -1).build()))
        .containsExactly("request_rate was 'NaN' but every value must be a number > 0",
            "request_rate was 'Infinity' but every value must be a number > 0",
            "request_rate was '-1.0' but every value must be a number > 0");
    assertThat(problems(() -> SweepPlan.over(base())
        .values(SweepPlan.Parameter.INPUT_TOKENS, Arrays.asList(100, null)).build()))
        .containsExactly("isl was 'null' but every value must be a number > 0");
  }

  @Test
  void everyProblem_isListedAtOnce_eachCooldownByItsName() {
    assertThat(problems(() -> SweepPlan.over(base()).concurrency().confidenceLevel(2)
        .runCooldown(Duration.ofSeconds(-1)).pointCooldown(Duration.ofSeconds(-2))
        .gpuCost(-1, 1).build()))
        .containsExactly("concurrency was '[]' but a sweep needs at least one value",
            "confidenceLevel was '2.0' but it must be between 0 and 1 (exclusive), e.g. 0.95",
            "runCooldown was 'PT-1S' but it must be zero or more",
            "pointCooldown was 'PT-2S' but it must be zero or more",
            "gpuCost was '-1.0 per hour on 1 GPUs' but the price must be > 0 and the GPUs at"
                + " least 1");
    assertThat(problems(() -> SearchPlan.over(base()).requestRate(1, 10)
        .ttft(Duration.ofMillis(100)).cooldown(Duration.ofSeconds(-1)).gpuCost(2, 0).build()))
        .containsExactly("cooldown was 'PT-1S' but it must be zero or more",
            "gpuCost was '2.0 per hour on 0 GPUs' but the price must be > 0 and the GPUs at"
                + " least 1");
  }

  @Test
  void aGoodPlan_keepsItsSettings() {
    SweepPlan sweep = SweepPlan.over(base()).concurrency(1, 2).runs(2).confidenceLevel(0.9)
        .gpuCost(2.5, 4).build();
    assertThat(sweep.confidenceLevel()).isEqualTo(0.9);
    assertThat(sweep.gpuCostPerHour()).hasValue(2.5);
    assertThat(sweep.gpus()).isEqualTo(4);
    SearchPlan search = SearchPlan.over(base()).concurrency(1, 8).ttft(Duration.ofMillis(50))
        .build();
    assertThat(search.gpuCostPerHour()).isEmpty();
    assertThat(search.confidenceLevel()).isEqualTo(0.95);
  }

  @Test
  void aSearchWithoutAnyObjective_orWithAnEmptyRange_saysWhatItNeeds() {
    assertThatThrownBy(() -> SearchPlan.over(base()).requestRate(10, 10).build())
        .isInstanceOf(InvalidBenchmarkConfigException.class)
        .hasMessageContaining("the search range was '10 to 10' but it must be finite with"
            + " 0 < lowest < highest")
        .hasMessageContaining("no objective was given but a search needs at least one");
  }
}
