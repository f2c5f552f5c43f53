package io.aiperf.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.api.Statistic;
import io.aiperf.api.SweepPlan;
import io.aiperf.api.SweepPoint;
import io.aiperf.api.SweepResult;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeats that stop once the interval is tight, and sweeps that pair their lists (zip). */
final class ConvergenceAndZipIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 8 slots; TTFT 20 ms + 0.05 ms per prompt token: four users never queue. */
  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().port(0).ioThreads(1)
        .ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(1))
        .saturation(8, Duration.ofMillis(1).dividedBy(20), Duration.ZERO)
        .build());
  }

  private static BenchmarkConfig config(MockLlmServer server, Path dir) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(100, 0).outputTokens(4, 0))
        .concurrency(4).requestCount(20)
        .exporters("json")
        .artifactDir(dir)
        .build();
  }

  private static SweepPlan.Convergence ttftWithin(double threshold) {
    return new SweepPlan.Convergence(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG, threshold,
        SweepPlan.ConvergenceMode.CI_WIDTH);
  }

  /**
   * The mock's TTFT is 25 ms every time, so three runs pin its mean down far tighter than half
   * of it: the repeats stop well before ten, and the aggregate says so.
   */
  @Test
  void repeats_stopOnceTheIntervalIsTight_andTheAggregateSaysWhy(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      SweepResult r = Benchmark.sweep(config(server, dir)).runs(10).convergence(ttftWithin(0.5))
          .run();

      SweepPoint p = r.points().get(0);
      int ran = p.runs().size();
      assertThat(ran).as("runs before converging").isBetween(3, 9);
      assertThat(dir.resolve("profile_runs/run_000" + ran + "/profile_export_aiperf.json"))
          .exists();
      assertThat(dir.resolve("profile_runs/run_00" + String.format("%02d", ran + 1))).doesNotExist();
      JsonNode md = JSON.readTree(dir.resolve("aggregate/profile_export_aiperf_aggregate.json")
          .toFile()).get("metadata");
      assertThat(md.get("num_profile_runs").asInt()).isEqualTo(ran);
      assertThat(md.get("stop_reason").asText())
          .startsWith("converged after " + ran + " of 10 runs: time_to_first_token_avg ci_width");
      assertThat(md.at("/convergence/converged").asBoolean()).isTrue();
      assertThat(md.at("/convergence/value").asDouble()).isLessThan(0.5);
      var ttft = p.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG).orElseThrow();
      assertThat((ttft.ciHigh() - ttft.ciLow()) / ttft.mean())
          .isEqualTo(md.at("/convergence/value").asDouble());
      assertThat(Files.readString(dir.resolve("aggregate/profile_export_aiperf_aggregate.csv")))
          .contains("Stop Reason,converged after " + ran);
    }
  }

  @Test
  void repeats_thatNeverConverge_runThemAll_andTheAggregateSaysSo(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      SweepResult r = Benchmark.sweep(config(server, dir)).runs(3).convergence(ttftWithin(1e-9))
          .run();

      assertThat(r.points().get(0).runs()).hasSize(3);
      JsonNode md = JSON.readTree(dir.resolve("aggregate/profile_export_aiperf_aggregate.json")
          .toFile()).get("metadata");
      assertThat(md.get("stop_reason").asText())
          .startsWith("ran all 3 runs without converging: time_to_first_token_avg ci_width");
      assertThat(md.at("/convergence/converged").asBoolean()).isFalse();
    }
  }

  /**
   * Zip pairs the i-th values: two points, not the grid's four, each with its own lengths. The
   * files follow a real AIPerf 0.13 zip sweep of the same two parameters
   * (src/test/resources/aiperf-0.13/sweep-zip): parameters in configuration-path order, the OSL
   * named {@code mean}, and AIPerf's {@code num_combinations}, the product of the distinct values
   * (4 here, though 2 points ran: AIPerf counts it so for a zip too).
   */
  @Test
  void aZipSweep_pairsTheLists_andNamesThemAsAiperfDoes(@TempDir Path dir) throws Exception {
    JsonNode aiperf = JSON.readTree(ConvergenceAndZipIT.class.getResource(
        "/aiperf-0.13/sweep-zip/excerpt.json"));
    try (MockLlmServer server = mock()) {
      // Given in the other order than AIPerf's: the order of the files must not depend on it.
      SweepResult r = Benchmark.sweep(config(server, dir)).concurrency(2, 4).outputTokens(3, 6)
          .type(SweepPlan.Type.ZIP).run();

      assertThat(r.points()).extracting(SweepPoint::parameters).containsExactly(
          Map.of(SweepPlan.Parameter.CONCURRENCY, 2, SweepPlan.Parameter.OUTPUT_TOKENS, 3),
          Map.of(SweepPlan.Parameter.CONCURRENCY, 4, SweepPlan.Parameter.OUTPUT_TOKENS, 6));
      // Each point really ran with its own pair: the mock returns exactly the asked lengths.
      assertThat(r.points().get(0).estimate(Metrics.OUTPUT_SEQUENCE_LENGTH, Statistic.AVG)
          .orElseThrow().mean()).isEqualTo(3.0);
      assertThat(r.points().get(1).estimate(Metrics.OUTPUT_SEQUENCE_LENGTH, Statistic.AVG)
          .orElseThrow().mean()).isEqualTo(6.0);
      for (SweepPoint p : r.points()) {
        assertThat(dir.resolve(p.label()).resolve("profile_export_aiperf.json")).exists();
      }
      JsonNode sweep = JSON.readTree(
          dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.json").toFile());
      assertThat(sweep.get("per_combination_metrics")).hasSize(2);
      assertThat(sweep.at("/per_combination_metrics/1/parameters/concurrency").asInt())
          .isEqualTo(4);
      JsonNode md = sweep.get("metadata");
      assertThat(md.get("num_combinations").asInt())
          .isEqualTo(aiperf.at("/metadata/num_combinations").asInt()).isEqualTo(4);
      assertThat(md.at("/sweep_parameters/0/name").asText()).isEqualTo("mean")
          .isEqualTo(aiperf.at("/metadata/sweep_parameters/0/name").asText());
      assertThat(md.at("/sweep_parameters/1/name").asText()).isEqualTo("concurrency")
          .isEqualTo(aiperf.at("/metadata/sweep_parameters/1/name").asText());
      assertThat(r.points()).extracting(SweepPoint::label)
          .containsExactly("mean_3__concurrency_2", "mean_6__concurrency_4");
      assertThat(aiperf.at("/variation_dirs/0").asText()).isEqualTo("mean_4__concurrency_1");
      assertThat(JSON.writeValueAsString(sweep.at("/per_combination_metrics/0/parameters")))
          .isEqualTo("{\"mean\":3,\"concurrency\":2}");
      assertThat(Files.readString(dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.csv")))
          .startsWith("mean,concurrency,").contains("Number of Combinations,4");
    }
  }
}
