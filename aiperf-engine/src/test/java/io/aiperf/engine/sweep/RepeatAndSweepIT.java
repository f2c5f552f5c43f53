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
import io.aiperf.api.ExportLevel;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.api.Metrics;
import io.aiperf.api.Statistic;
import io.aiperf.api.SweepPoint;
import io.aiperf.api.SweepResult;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.SaturationModel;
import io.aiperf.mock.SentEvent;
import io.aiperf.mock.SentStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated runs and sweeps against the saturating mock, whose model states the truth. */
final class RepeatAndSweepIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 8 slots; TTFT 20 ms + 0.05 ms per prompt token; ITL 2 ms + 0.25 ms per other request. */
  private static MockLlmServer mock() {
    return mock(0);
  }

  private static MockLlmServer mock(int recordWrites) {
    return MockLlmServer.start(MockServerOptions.builder().port(0).ioThreads(1)
        .ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(2))
        .saturation(8, Duration.ofMillis(1).dividedBy(20), Duration.ofMillis(1).dividedBy(4))
        .recordWrites(recordWrites).build());
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

  /**
   * The truth is the mock's own: per request, the time from the client's send stamp to the mock's
   * write of the first token, both on {@link System#nanoTime()} (the mock runs in this JVM). That
   * is the model's 25 ms plus what the server side really added (the trip to the mock, its timer
   * firing late on a busy machine), so it is computed per run, not taken from the model. What the
   * client measures adds one thing more, its own reading of the written bytes (the loopback and
   * its event loop waking up): never negative, and measured here per request as the client's TTFT
   * minus the truth. Its typical value (the median over all requests) is the systematic part,
   * and the interval across runs must contain the truth plus that part: the rest of the read
   * delay (a busy loop, a descheduled thread) varies from run to run, which is what the interval
   * is for.
   */
  @Test
  void threeRepeatedRuns_writeTheAggregate_withAnIntervalAroundTheMocksTtft(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock(3 * 40)) {
      SaturationModel model = server.options().saturation().orElseThrow();
      // Four users on eight slots never queue: the model's TTFT is the prefill, 20 + 100 * 0.05 ms.
      assertThat(model.predictConcurrency(4, 40, 100, 10).meanTtftMillis()).isEqualTo(25.0);

      SweepResult r = Benchmark.sweep(config(server, dir, new StringWriter()).toBuilder()
          .exportLevel(ExportLevel.RAW).build()).runs(3).run();

      assertThat(r.points()).hasSize(1);
      SweepPoint p = r.points().get(0);
      assertThat(p.runs()).hasSize(3);
      Estimate ttft = p.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.AVG).orElseThrow();
      assertThat(ttft.n()).isEqualTo(3);
      assertThat(ttft.tCritical()).isCloseTo(4.302653, org.assertj.core.data.Offset.offset(1e-5));

      Map<String, SentStream> written = new HashMap<>();
      server.sentStreams().forEach(s -> written.put(s.requestId(), s));
      double[] truth = new double[3];
      double[] runAvg = new double[3];
      List<Double> readDelays = new ArrayList<>();
      for (int run = 1; run <= 3; run++) {
        Path runDir = dir.resolve("profile_runs/run_000" + run);
        truth[run - 1] = mocksTtft(runDir, written, readDelays);
        runAvg[run - 1] = JSON.readTree(runDir.resolve("profile_export_aiperf.json").toFile())
            .at("/time_to_first_token/avg").asDouble();
      }
      // The interval is the three runs' own: their mean, at t(2) = 4.30.
      assertThat(ttft.mean()).isCloseTo(Arrays.stream(runAvg).average().orElseThrow(),
          org.assertj.core.data.Offset.offset(1e-9));
      double truthMean = Arrays.stream(truth).average().orElseThrow();
      double systematic = median(readDelays);
      String evidence = String.format(Locale.ROOT, "%s; the mock's TTFT per run %s (model %.1f);"
          + " client read delay median %.3f ms, max %.3f ms over %d requests", ttft,
          Arrays.toString(truth), 25.0, systematic, Collections.max(readDelays), readDelays.size());
      // Reading is a small part of what the client measures: a few hundred µs on a loaded machine.
      assertThat(systematic).as(evidence).isLessThan(truthMean / 20);
      assertThat(ttft.contains(truthMean + systematic)).as(evidence).isTrue();

      JsonNode agg = JSON.readTree(dir.resolve("aggregate/profile_export_aiperf_aggregate.json")
          .toFile());
      assertThat(agg.at("/metadata/aggregation_type").asText()).isEqualTo("confidence");
      assertThat(agg.at("/metadata/num_profile_runs").asInt()).isEqualTo(3);
      assertThat(agg.at("/metadata/confidence_level").asDouble()).isEqualTo(0.95);
      JsonNode m = agg.at("/metrics/time_to_first_token_avg");
      assertThat(m.get("ci_low").asDouble()).isEqualTo(ttft.ciLow());
      assertThat(m.get("ci_high").asDouble()).isEqualTo(ttft.ciHigh());
      assertThat(m.get("unit").asText()).isEqualTo("ms");
      assertThat(Files.readString(dir.resolve("aggregate/profile_export_aiperf_aggregate.csv")))
          .startsWith("metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit\r\n")
          .contains("time_to_first_token_avg,")
          .contains("Confidence Level,0.95");
    }
  }

  /**
   * One run's mean TTFT by the mock's write log, in ms: per request the client's send stamp
   * ({@code start_perf_ns} of the raw export) to the mock's write of the first token. Adds each
   * request's read delay (the client's TTFT minus that) to {@code readDelays}.
   */
  private static double mocksTtft(Path runDir, Map<String, SentStream> written,
      List<Double> readDelays) throws Exception {
    Map<String, Double> clientTtft = new HashMap<>();
    for (String line : Files.readAllLines(runDir.resolve("profile_export.jsonl"))) {
      JsonNode rec = JSON.readTree(line);
      clientTtft.put(rec.at("/metadata/x_request_id").asText(),
          rec.at("/metrics/time_to_first_token/value").asDouble());
    }
    assertThat(clientTtft).hasSize(40);
    double sum = 0;
    for (String line : Files.readAllLines(runDir.resolve("profile_export_raw.jsonl"))) {
      JsonNode raw = JSON.readTree(line);
      String id = raw.at("/request_headers/X-Request-ID").asText();
      SentStream s = written.get(id);
      assertThat(s).as("the mock's log of %s", id).isNotNull();
      long firstWrite = s.events(SentEvent.Kind.CONTENT).get(0).nanos();
      double truth = (firstWrite - raw.get("start_perf_ns").asLong()) / 1e6;
      Double client = clientTtft.get(id);
      assertThat(client).as("TTFT of %s", id).isNotNull();
      // A client that stamped before the bytes were written would measure the wrong event.
      assertThat(client).as("%s: the client's TTFT against the mock's write", id)
          .isGreaterThanOrEqualTo(truth);
      readDelays.add(client - truth);
      sum += truth;
    }
    return sum / clientTtft.size();
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
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
