package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.Metrics;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duration and throughputs, computed again from outside the result: from the per-request
 * export and from the mock's own log of the requests it received. AIPerf's benchmark_duration is
 * the profiling phase's window, from its start to the end of its last request (the last content,
 * as request_latency ends), whatever the requests' outcome.
 */
final class ThroughputWindowIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT = "/v1/chat/completions";

  /** What the per-request export says of one request: wall-clock start, end and its numbers. */
  private record Line(long startNs, long endNs, boolean ok, double latencyMs, double osl) {}

  /** The profiling phase's lines; AIPerf's file also holds the warmup's, marked as such. */
  private static List<Line> export(Path dir) throws IOException {
    List<Line> lines = new ArrayList<>();
    for (String text : Files.readAllLines(dir.resolve("profile_export.jsonl"),
        StandardCharsets.UTF_8)) {
      JsonNode n = JSON.readTree(text);
      if (!"profiling".equals(n.at("/metadata/benchmark_phase").asText())) {
        continue;
      }
      JsonNode m = n.get("metrics");
      lines.add(new Line(n.at("/metadata/request_start_ns").asLong(),
          n.at("/metadata/request_end_ns").asLong(), !n.has("error"),
          m.has("request_latency") ? m.at("/request_latency/value").asDouble() : Double.NaN,
          m.has("output_sequence_length") ? m.at("/output_sequence_length/value").asDouble()
              : 0));
    }
    return lines;
  }

  private static List<ReceivedRequest> inference(MockLlmServer server) {
    return server.receivedRequests().stream().filter(q -> q.path().equals(CHAT)).toList();
  }

  @Test
  void durationIsTheProfilingWindow_warmupExcluded_throughputsFromIt(@TempDir Path dir)
      throws IOException {
    int warmup = 8;
    int count = 24;
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(5))
        .recordRequests(1_000).build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .concurrency(2).requestCount(count)
          .warmupRequestCount(warmup).warmupConcurrency(1)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(3))
          .artifactDir(dir).run();

      // The mock's truth: warmup first, one request at a time, then the profiling requests.
      List<ReceivedRequest> received = inference(server);
      assertThat(received).hasSize(warmup + count);
      List<ReceivedRequest> warm = received.subList(0, warmup);
      List<ReceivedRequest> profiled = received.subList(warmup, received.size());
      long warmupSpan = profiled.get(0).arrivalNanos() - warm.get(0).arrivalNanos();
      // 8 sequential requests of 20 ms TTFT + 7 x 5 ms ITL each: at least 400 ms.
      assertThat(warmupSpan).isGreaterThan(400_000_000L);
      long profiledArrivals = profiled.get(count - 1).arrivalNanos()
          - profiled.get(0).arrivalNanos();

      // The export's truth: AIPerf's max(start + latency) - min(start), profiling records only.
      List<Line> lines = export(dir);
      assertThat(lines).hasSize(count).allMatch(Line::ok);
      // As AIPerf: the warmup's requests are in the file too, each phase numbered from 0.
      Map<String, List<Long>> numbers = new java.util.TreeMap<>();
      for (String text : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
        JsonNode meta = JSON.readTree(text).get("metadata");
        numbers.computeIfAbsent(meta.get("benchmark_phase").asText(), k -> new ArrayList<>())
            .add(meta.get("session_num").asLong());
      }
      assertThat(numbers.get("warmup")).containsExactlyInAnyOrderElementsOf(
          java.util.stream.LongStream.range(0, warmup).boxed().toList());
      assertThat(numbers.get("profiling")).containsExactlyInAnyOrderElementsOf(
          java.util.stream.LongStream.range(0, count).boxed().toList());
      long firstStart = lines.stream().mapToLong(Line::startNs).min().orElseThrow();
      double lastEnd = lines.stream().mapToDouble(l -> l.startNs() + l.latencyMs() * 1e6).max()
          .orElseThrow();
      double window = lastEnd - firstStart;
      assertThat(window).isGreaterThan(profiledArrivals);

      double durationNs = r.metric(Metrics.BENCHMARK_DURATION).avg() * 1e9;
      // The phase starts a moment before its first request is written, never after it; a
      // duration that took the warmup in would be 400 ms longer at least.
      assertThat(durationNs).isGreaterThanOrEqualTo(window - 1e6)
          .isLessThan(window + 100e6).isLessThan(window + warmupSpan / 2.0);

      double tokens = lines.stream().mapToDouble(Line::osl).sum();
      assertThat(tokens).isEqualTo(count * 8.0);
      double seconds = durationNs / 1e9;
      assertThat(r.metric(Metrics.REQUEST_THROUGHPUT).avg())
          .isCloseTo(count / seconds, within(1e-6 * count / seconds))
          .isBetween(count / ((window + 100e6) / 1e9), count / ((window - 1e6) / 1e9));
      assertThat(r.metric(Metrics.OUTPUT_TOKEN_THROUGHPUT).avg())
          .isCloseTo(tokens / seconds, within(1e-6 * tokens / seconds))
          .isBetween(tokens / ((window + 100e6) / 1e9), tokens / ((window - 1e6) / 1e9));
    }
  }

  @Test
  void mostRequestsFail_durationIsStillThePhaseWindow_asAiperf(@TempDir Path dir)
      throws IOException {
    int count = 40;
    // Seeded: with 97.5 % errors, seed 12 fails exactly 39 of the first 40 draws.
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(5))
        .errorRate(97.5).seed(12).recordRequests(1_000).build())) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .requestRate(20).arrivalPattern(ArrivalPattern.CONSTANT).requestCount(count)
          .dataset(Datasets.synthetic().inputTokens(16, 0).outputTokens(8, 0).seed(3))
          .artifactDir(dir).run();

      assertThat(r.requestsCompleted()).isEqualTo(1);
      assertThat(r.requestsFailed()).isEqualTo(39);
      List<ReceivedRequest> received = inference(server);
      assertThat(received).hasSize(count);
      // 40 requests at 20 per second: the mock saw them over 39 gaps of 50 ms.
      long arrivals = received.get(count - 1).arrivalNanos() - received.get(0).arrivalNanos();
      assertThat(arrivals).isGreaterThan(1_800_000_000L);

      List<Line> lines = export(dir);
      assertThat(lines).hasSize(count);
      Line good = lines.stream().filter(Line::ok).findFirst().orElseThrow();
      long firstStart = lines.stream().mapToLong(Line::startNs).min().orElseThrow();
      long lastEnd = lines.stream().mapToLong(Line::endNs).max().orElseThrow();
      double window = lastEnd - firstStart;

      double durationNs = r.metric(Metrics.BENCHMARK_DURATION).avg() * 1e9;
      // Not the good request's own span (about 60 ms): the whole window, as AIPerf reports it.
      assertThat(durationNs).isGreaterThan(arrivals).isGreaterThan(20 * good.latencyMs() * 1e6)
          .isBetween(window - 1e6, window + 100e6);
      assertThat(r.metric(Metrics.REQUEST_THROUGHPUT).avg())
          .isCloseTo(1 / (durationNs / 1e9), within(1e-9))
          .isLessThan(1 / (arrivals / 1e9));
      assertThat(r.metric(Metrics.OUTPUT_TOKEN_THROUGHPUT).avg())
          .isCloseTo(good.osl() / (durationNs / 1e9), within(1e-9));
    }
  }
}
