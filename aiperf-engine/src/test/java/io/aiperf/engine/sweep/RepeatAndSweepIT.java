package io.aiperf.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Estimate;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.api.Metrics;
import io.aiperf.api.Statistic;
import io.aiperf.api.SweepPoint;
import io.aiperf.api.SweepResult;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.SaturationModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated runs and sweeps against the saturating mock, whose model states the truth. */
final class RepeatAndSweepIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 8 slots; TTFT 20 ms + 0.05 ms per prompt token; ITL 2 ms + 0.25 ms per other request. */
  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().port(0).ioThreads(1)
        .ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(2))
        .saturation(8, Duration.ofMillis(1).dividedBy(20), Duration.ofMillis(1).dividedBy(4))
        .build());
  }

  private static BenchmarkConfig config(MockLlmServer server, Path dir, StringWriter console) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(100, 0).outputTokens(10, 0))
        .concurrency(4).requestCount(40)
        .exporters("console", "json", "csv")
        .console(new PrintWriter(console, true))
        .artifactDir(dir)
        .build();
  }

  @Test
  void threeRepeatedRuns_writeTheAggregate_withAnIntervalAroundTheModelsTtft(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      SaturationModel model = server.options().saturation().orElseThrow();
      // Four users on eight slots never queue: every TTFT is the prefill, 20 + 100 * 0.05 ms.
      double known = model.predictConcurrency(4, 40, 100, 10).meanTtftMillis();
      assertThat(known).isEqualTo(25.0);

      SweepResult r = Benchmark.sweep(config(server, dir, new StringWriter())).runs(3).run();

      assertThat(r.points()).hasSize(1);
      SweepPoint p = r.points().get(0);
      assertThat(p.runs()).hasSize(3);
      Estimate ttft = p.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG).orElseThrow();
      assertThat(ttft.n()).isEqualTo(3);
      assertThat(ttft.tCritical()).isCloseTo(4.302653, org.assertj.core.data.Offset.offset(1e-5));
      // The model states the server's TTFT; the client's adds the loopback trip and its own
      // reading of the first chunk, the same fraction of a millisecond in every run. Warm runs
      // agree so closely that an interval of three of them can sit entirely above the server's
      // number by that constant, so the interval must reach the truth within it, never below.
      double clientOverheadMs = 1.5;
      assertThat(ttft.ciLow()).as("%s starts at most %.1f ms above %s", ttft, clientOverheadMs,
          known).isLessThanOrEqualTo(known + clientOverheadMs);
      assertThat(ttft.ciHigh()).as("%s reaches %s", ttft, known).isGreaterThanOrEqualTo(known);
      for (int run = 1; run <= 3; run++) {
        assertThat(dir.resolve("profile_runs/run_000" + run + "/profile_export_aiperf.json"))
            .exists();
      }
      JsonNode agg = JSON.readTree(dir.resolve("aggregate/profile_export_aiperf_aggregate.json")
          .toFile());
      assertThat(agg.at("/metadata/aggregation_type").asText()).isEqualTo("confidence");
      assertThat(agg.at("/metadata/num_profile_runs").asInt()).isEqualTo(3);
      assertThat(agg.at("/metadata/confidence_level").asDouble()).isEqualTo(0.95);
      JsonNode m = agg.at("/metrics/time_to_first_token_avg");
      assertThat(m.get("ci_low").asDouble()).isEqualTo(ttft.ciLow());
      assertThat(m.get("unit").asText()).isEqualTo("ms");
      assertThat(Files.readString(dir.resolve("aggregate/profile_export_aiperf_aggregate.csv")))
          .startsWith("metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit\r\n")
          .contains("time_to_first_token_avg,")
          .contains("Confidence Level,0.95");
    }
  }

  @Test
  void aSweepOfThreeConcurrencies_writesTheSweepFilesAndTable(@TempDir Path dir) throws Exception {
    try (MockLlmServer server = mock()) {
      StringWriter console = new StringWriter();
      SweepResult r = Benchmark.sweep(config(server, dir, console)).concurrency(2, 8, 16)
          .gpuCost(2.0, 1).run();

      assertThat(r.points()).extracting(SweepPoint::label)
          .containsExactly("concurrency_2", "concurrency_8", "concurrency_16");
      for (String d : new String[] {"concurrency_2", "concurrency_8", "concurrency_16"}) {
        assertThat(dir.resolve(d).resolve("profile_export_aiperf.json")).exists();
      }
      // Past the eight slots requests queue: TTFT at 16 users is well above the prefill.
      double ttft8 = r.points().get(1).estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG)
          .orElseThrow().mean();
      double ttft16 = r.points().get(2).estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG)
          .orElseThrow().mean();
      assertThat(ttft16).isGreaterThan(ttft8 + 15);
      JsonNode sweep = JSON.readTree(dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.json")
          .toFile());
      assertThat(sweep.get("aggregation_type").asText()).isEqualTo("sweep");
      assertThat(sweep.at("/metadata/sweep_parameters/0/name").asText()).isEqualTo("concurrency");
      assertThat(sweep.get("per_combination_metrics")).hasSize(3);
      assertThat(sweep.at("/per_combination_metrics/2/parameters/concurrency").asInt()).isEqualTo(16);
      assertThat(sweep.at("/per_combination_metrics/0/metrics/time_to_first_token/unit").asText())
          .isEqualTo("ms");
      assertThat(sweep.at("/per_combination_metrics/0/cost/cost_per_million_output_tokens")
          .asDouble()).isPositive();
      assertThat(sweep.get("pareto_optimal").size()).isBetween(1, 3);
      assertThat(Files.readString(dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.csv")))
          .contains("Pareto Optimal Points").contains("Number of Combinations,3");
      assertThat(console.toString()).contains("Sweep (3 points").contains("concurrency")
          .contains("$/M out");
      assertThat(r.table().lines().filter(l -> l.matches("^(2|8|16) .*"))).hasSize(3);
      assertThat(r.points().get(0).cost()).isPresent();
    }
  }

  @Test
  void badInput_isReportedAtOnce_beforeAnyRun(@TempDir Path dir) {
    try (MockLlmServer server = mock()) {
      BenchmarkConfig c = config(server, dir, new StringWriter());
      assertThatThrownBy(() -> Benchmark.sweep(c).concurrency().confidenceLevel(1.5).run())
          .isInstanceOf(InvalidBenchmarkConfigException.class)
          .hasMessageContaining("concurrency was '[]' but a sweep needs at least one value")
          .hasMessageContaining("confidenceLevel was '1.5' but it must be between 0 and 1");
      assertThat(dir).isEmptyDirectory();
    }
  }
}
