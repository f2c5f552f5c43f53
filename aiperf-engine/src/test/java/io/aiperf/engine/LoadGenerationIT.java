package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.MetricTag;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.Outcomes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Load modes end to end, against the mock server on loopback. */
final class LoadGenerationIT {
  private static MockLlmServer mock(MockServerOptions.Builder options) {
    return MockLlmServer.start(options.host("127.0.0.1").port(0).build());
  }

  /**
   * The mock's count once it has seen every client leave: an answer the client gave up on is
   * counted when the mock notices its connection closed, a moment after the client.
   */
  private static Outcomes settled(MockLlmServer server) {
    return await().atMost(Duration.ofSeconds(20)).until(server::outcomes,
        o -> o.inProgress() == 0);
  }

  private static Benchmark.Builder chat(MockLlmServer server) {
    return Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(20, 0).seed(9));
  }

  @Test
  void durationAndGrace_stopIssuingOnTime_andAccountForEveryRequest() {
    // 20 tokens × 100 ms: each request lasts ~2 s; issuing stops at 1.5 s; grace 0.5 s.
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(100)))) {
      BenchmarkResult r = chat(server).requestRate(20).arrivalPattern(ArrivalPattern.CONSTANT)
          .benchmarkDuration(Duration.ofMillis(1500)).gracePeriod(Duration.ofMillis(500))
          .run();
      // Sends at 0, 50, ..., 1450 ms: exactly 30.
      assertThat(r.requestsSent()).isEqualTo(30);
      // Requests sent before 0 s + (2 s − 0.5 s... ) finish; the last ones are cut by the grace.
      assertThat(r.requestsCancelled()).isPositive();
      assertThat(r.requestsCompleted()).isPositive();
      assertThat(r.wasCancelled()).isFalse();
      assertThat(server.requestCount()).isEqualTo(30);
      assertThat(r.errors()).allSatisfy(e -> assertThat(e.code()).isEqualTo(499));
      // The mock's truth: each request received once; the client completed what the mock
      // answered in full and cancelled what the mock saw it abandon. Answers end 50 ms apart, so
      // at most one can have been written in full just as the grace ended, yet cut before the
      // client read its end: then it is the mock's completed and the client's cancelled.
      Outcomes truth = settled(server);
      assertThat(truth.received()).as("requests the mock received").isEqualTo(30);
      assertThat(r.requestsCompleted()).as("completed")
          .isBetween(truth.completed() - 1, truth.completed());
      assertThat(r.requestsCancelled()).as("cancelled")
          .isBetween(truth.abandoned(), truth.abandoned() + 1);
      assertThat(r.requestsFailed()).isZero();
    }
  }

  @Test
  void cancellationRate_producesCancelledRecordsAtTheAskedRate() {
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(10)))) {
      // Each request takes ~200 ms; cancelled ones are cut 50 ms after being sent.
      BenchmarkResult r = chat(server).concurrency(32).requestCount(600)
          .requestCancellation(20, Duration.ofMillis(50)).run();
      assertThat(r.requestsSent()).isEqualTo(600);
      // The mock's truth: each request was received once; a cancelled one (cut 50 ms in, 150 ms
      // before its end) is one the mock saw the client abandon; the others it answered in full.
      Outcomes truth = settled(server);
      assertThat(truth.received()).as("requests the mock received").isEqualTo(600);
      assertThat(r.requestsCancelled()).as("cancelled").isEqualTo(truth.abandoned());
      assertThat(r.requestsCompleted()).as("completed").isEqualTo(truth.completed());
      assertThat(r.requestsFailed()).isZero();
      // Binomial(600, 0.2): mean 120, sd 9.8; ±6 sd.
      assertThat(r.requestsCancelled()).isBetween(61L, 179L);
      assertThat(r.errors()).singleElement().satisfies(e -> {
        assertThat(e.code()).isEqualTo(499);
        assertThat(e.type()).isEqualTo("RequestCancellationError");
      });
      assertThat(r.metric(new MetricTag("cancelled_request_count")).avg())
          .isEqualTo(r.requestsCancelled());
      assertThat(r.metric(Metrics.ERROR_REQUEST_COUNT).avg()).isEqualTo(r.requestsCancelled());
    }
  }

  @Test
  void warmupRecords_neverReachTheResults() {
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1)))) {
      BenchmarkResult r = chat(server).concurrency(4).warmupRequestCount(24).requestCount(40)
          .run();
      assertThat(server.requestCount()).isEqualTo(64);
      assertThat(r.requestsSent()).isEqualTo(40);
      assertThat(r.metric(Metrics.REQUEST_COUNT).avg()).isEqualTo(40);
      assertThat(r.metric(Metrics.TIME_TO_FIRST_TOKEN).count()).isEqualTo(40);
    }
  }

  @Test
  void serverStalls_showInTheLatencyFromIntendedSend_notInTheRawOne() {
    // Every 10th request stalls 400 ms; with one request in flight at 40 req/s, later requests
    // queue behind each stall: raw TTFT hides that wait, TTFT from intended send shows it.
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(1))
        .stall(10, Duration.ofMillis(400)))) {
      BenchmarkResult r = chat(server).requestRate(40).arrivalPattern(ArrivalPattern.CONSTANT)
          .concurrency(1).requestCount(120).run();
      var raw = r.metric(Metrics.TIME_TO_FIRST_TOKEN);
      var corrected = r.metric(new MetricTag("corrected_time_to_first_token"));
      assertThat(corrected.p99()).isGreaterThan(raw.p99());
      // Most requests are fast on the wire but waited long behind a stall.
      assertThat(raw.p50()).isLessThan(100);
      assertThat(corrected.p50()).isGreaterThan(raw.p50() + 100);
      assertThat(r.metric(new MetricTag("client_queue_time")).max()).isGreaterThan(100);
      assertThat(r.warnings()).anyMatch(w -> w.contains("concurrency ceiling of 1"));
    }
  }

  @Test
  void goodput_countsRequestsMeetingEverySlo() {
    // Every 4th request stalls 150 ms before its first token: 30 of 40 meet a 60 ms TTFT SLO.
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(2)).stall(4, Duration.ofMillis(150)))) {
      BenchmarkResult r = chat(server).concurrency(4).requestCount(40)
          .goodput(java.util.Map.of("time_to_first_token", 60.0,
              "output_token_throughput_per_user", 100.0))
          .run();
      assertThat(r.metric(new MetricTag("good_request_count")).avg()).isEqualTo(30);
      assertThat(r.metric(new MetricTag("good_request_fraction")).avg()).isEqualTo(0.75);
      double duration = r.metric(Metrics.BENCHMARK_DURATION).avg();
      assertThat(r.metric(new MetricTag("goodput")).avg())
          .isCloseTo(30 / duration, org.assertj.core.api.Assertions.within(1e-9));
    }
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(2)))) {
      // 2 ms between tokens is 500 tokens/s per user: an SLO of at least 1,000 fails them all.
      BenchmarkResult r = chat(server).concurrency(4).requestCount(20)
          .goodput(java.util.Map.of("output_token_throughput_per_user", 1_000.0)).run();
      assertThat(r.metric(new MetricTag("good_request_count")).avg()).isZero();
    }
  }

  @Test
  void timeslices_splitTheRunByRequestStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)))) {
      // 50 requests/s for 2 s, slices of 0.5 s: 4 slices of about 25 requests.
      BenchmarkResult r = chat(server).requestRate(50).arrivalPattern(ArrivalPattern.CONSTANT)
          .benchmarkDuration(Duration.ofSeconds(2)).sliceDuration(Duration.ofMillis(500))
          .artifactDir(dir).run();
      var json = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(dir.resolve("profile_export_aiperf_timeslices.json").toFile());
      var slices = json.get("timeslices");
      assertThat(slices).hasSize(4);
      int total = 0;
      double osl = 0;
      for (int i = 0; i < 4; i++) {
        var slice = slices.get(i);
        int count = slice.at("/request_count/avg").asInt();
        double window = (slice.get("end_ns").asLong() - slice.get("start_ns").asLong()) / 1e9;
        // Derived per slice: the slice's output tokens per second of its window.
        assertThat(slice.at("/total_osl/avg").asDouble())
            .isEqualTo(slice.at("/output_sequence_length/sum").asDouble());
        assertThat(slice.at("/output_token_throughput/avg").asDouble())
            .isCloseTo(slice.at("/total_osl/avg").asDouble() / window, within(0.01));
        assertThat(slice.at("/completed_request_count/avg").asInt()).isEqualTo(count);
        osl += slice.at("/total_osl/avg").asDouble();
        // A loaded machine issues the last credits after the 2 s are over, and they are not sent.
        assertThat(count).isBetween(20, 27);
        assertThat(slices.get(i).at("/time_to_first_token/unit").asText()).isEqualTo("ms");
        total += count;
      }
      // Every request of the run is in exactly one slice.
      assertThat(total).isEqualTo(r.requestsCompleted()).isGreaterThanOrEqualTo(90);
      assertThat(osl).isEqualTo(r.metric(new MetricTag("total_osl")).avg());
      assertThat(java.nio.file.Files.readAllLines(
          dir.resolve("profile_export_aiperf_timeslices.csv")).get(0))
          .isEqualTo("Timeslice,Start_NS,End_NS,Metric,Unit,Stat,Value");
    }
  }

  @Test
  void requestRate_reportsRequestedAndAchievedRate() {
    try (MockLlmServer server = mock(MockServerOptions.builder()
        .ttft(Duration.ofMillis(1)).itl(Duration.ofMillis(1)))) {
      BenchmarkResult r = chat(server).requestRate(200).arrivalPattern(ArrivalPattern.POISSON)
          .requestCount(400).run();
      assertThat(r.metric(new MetricTag("requested_request_rate")).avg()).isEqualTo(200);
      // A Poisson sample of 400 gaps: the mean rate is within ±30 % far beyond chance.
      assertThat(r.metric(new MetricTag("achieved_request_rate")).avg()).isBetween(140.0, 260.0);
      assertThat(r.metric(new MetricTag("schedule_lateness")).count()).isEqualTo(400);
    }
  }
}
