package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-turn sessions and trace replay, checked on what the mock server received. */
final class SessionsAndTracesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MockLlmServer mock() {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(1)).recordRequests(10_000).build());
  }

  @Test
  void multiTurn_eachTurnCarriesThePreviousRealReplies() throws Exception {
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .concurrency(3).numSessions(6)
          .dataset(Datasets.synthetic().inputTokens(12, 0).outputTokens(5, 0).turns(3, 0)
              .turnDelay(20, 0).seed(4))
          .run();
      assertThat(r.requestsSent()).isEqualTo(18);
      assertThat(r.requestsCompleted()).isEqualTo(18);

      Map<String, List<ReceivedRequest>> bySession = server.receivedRequests().stream()
          .collect(Collectors.groupingBy(q -> q.headers().get("x-correlation-id")));
      assertThat(bySession).hasSize(6);
      for (List<ReceivedRequest> turns : bySession.values()) {
        turns.sort(Comparator.comparingLong(ReceivedRequest::arrivalNanos));
        assertThat(turns).hasSize(3);
        for (int t = 0; t < 3; t++) {
          JsonNode messages = JSON.readTree(turns.get(t).body()).get("messages");
          // user, then (assistant, user) per earlier turn
          assertThat(messages).hasSize(1 + 2 * t);
          for (int m = 0; m < messages.size(); m++) {
            assertThat(messages.get(m).get("role").asText())
                .isEqualTo(m % 2 == 0 ? "user" : "assistant");
          }
          if (t > 0) {
            // The assistant turn is the mock's real reply: 5 words, each " word".
            String reply = messages.get(1).get("content").asText();
            assertThat(reply.trim().split(" ")).hasSize(5);
            // Each turn resends the previous turn's messages unchanged.
            JsonNode previous = JSON.readTree(turns.get(t - 1).body()).get("messages");
            for (int m = 0; m < previous.size(); m++) {
              assertThat(messages.get(m)).isEqualTo(previous.get(m));
            }
            // Sent no sooner than the turn delay after the previous reply.
            assertThat(turns.get(t).arrivalNanos() - turns.get(t - 1).arrivalNanos())
                .isGreaterThanOrEqualTo(20_000_000L);
          }
        }
      }
    }
  }

  @Test
  void userCentricRate_withADuration_endsWhenSessionsOutliveIt(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      // 4 users, one turn every 400 ms each, 3-turn sessions: sessions started in the last
      // second still have turns due after the duration; the run must end anyway.
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .userCentricRate(10, 4).benchmarkDuration(Duration.ofMillis(1500))
          .gracePeriod(Duration.ofSeconds(5)).artifactDir(dir)
          .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(3, 0).turns(3, 0).seed(2))
          .start().result().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.requestsSent()).isBetween(8L, 20L);
      assertThat(r.requestsCompleted() + r.requestsFailed() + r.requestsCancelled())
          .isEqualTo(r.requestsSent());
    }
  }

  @Test
  void userCentricRate_keepsEachUsersCadence_andTheTotalRate(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock()) {
      // 4 users at 20 requests/s in total: each user sends a turn every 200 ms.
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .userCentricRate(20, 4).requestCount(24).artifactDir(dir)
          .dataset(Datasets.synthetic().inputTokens(8, 0).outputTokens(3, 0).turns(3, 0).seed(2))
          .run();
      assertThat(r.requestsSent()).isEqualTo(24);
      assertThat(r.requestsCompleted()).isEqualTo(24);
      List<ReceivedRequest> all = new ArrayList<>(server.receivedRequests());
      all.sort(Comparator.comparingLong(ReceivedRequest::arrivalNanos));
      double spanSeconds = (all.get(23).arrivalNanos() - all.get(0).arrivalNanos()) / 1e9;
      // 24 requests at 20/s: the last goes out 23 × 50 ms = 1.15 s after the first.
      assertThat(spanSeconds).isBetween(1.05, 1.8);
      Map<String, List<ReceivedRequest>> bySession = all.stream()
          .collect(Collectors.groupingBy(q -> q.headers().get("x-correlation-id")));
      assertThat(bySession).hasSize(8);
      // Each user's schedule is exact: turns are meant 200 ms apart. A turn whose predecessor's
      // reply came late goes out at once ("late, not later"), so on a loaded machine the gaps
      // seen at the server vary; the schedule itself must not.
      Map<String, List<Long>> intendedBySession = new java.util.HashMap<>();
      // Each turn's intended and actual send, in its session's order.
      Map<String, List<long[]>> sendsBySession = new java.util.HashMap<>();
      for (String line : java.nio.file.Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
        var meta = JSON.readTree(line).get("metadata");
        intendedBySession.computeIfAbsent(meta.get("x_correlation_id").asText(),
            k -> new ArrayList<>()).add(meta.get("intended_start_ns").asLong());
        sendsBySession.computeIfAbsent(meta.get("x_correlation_id").asText(),
            k -> new ArrayList<>()).add(new long[] {meta.get("intended_start_ns").asLong(),
                meta.get("request_start_ns").asLong()});
      }
      assertThat(intendedBySession).hasSize(8);
      for (List<Long> intended : intendedBySession.values()) {
        intended.sort(Comparator.naturalOrder());
        for (int t = 1; t < intended.size(); t++) {
          assertThat(intended.get(t) - intended.get(t - 1)).isEqualTo(200_000_000L);
        }
      }
      for (Map.Entry<String, List<ReceivedRequest>> e : bySession.entrySet()) {
        List<ReceivedRequest> turns = e.getValue();
        List<long[]> sends = sendsBySession.get(e.getKey());
        sends.sort(Comparator.comparingLong(a -> a[0]));
        for (int t = 1; t < turns.size(); t++) {
          // Never early. A turn waits for the previous reply, which the mock sends no sooner
          // than its TTFT and 2 ITLs after that turn arrived (4 ms), and for its slot, 200 ms
          // after the previous turn's: less however late that one went out, and a few ms for
          // the previous turn's trip to the mock.
          double gapMs = (turns.get(t).arrivalNanos() - turns.get(t - 1).arrivalNanos()) / 1e6;
          double previousLateMs = (sends.get(t - 1)[1] - sends.get(t - 1)[0]) / 1e6;
          // On the client's own stamps the rule is exact: a turn never goes out before its slot.
          double sentGapMs = (sends.get(t)[1] - sends.get(t - 1)[1]) / 1e6;
          assertThat(sentGapMs).as("send gap before turn %d of %s (previous turn %.1f ms late)",
              t, e.getKey(), previousLateMs).isGreaterThanOrEqualTo(200 - previousLateMs - 0.5);
          // At the server, the two trips to the mock differ too: 25 ms of room on a busy machine.
          assertThat(gapMs).as("gap before turn %d of %s (previous turn %.1f ms late)", t,
              e.getKey(), previousLateMs).isGreaterThanOrEqualTo(
                  Math.max(2 + 2 * 1.0, 200 - previousLateMs - 25));
        }
      }
    }
  }

  @Test
  void fixedSchedule_sendsAtTheTraceOffsets(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("trace.jsonl");
    Files.writeString(trace, String.join("\n",
        "{\"timestamp\": 1000, \"text\": \"first\", \"max_tokens\": 2}",
        "{\"timestamp\": 1300, \"text\": \"second\", \"max_tokens\": 2}",
        "{\"timestamp\": 1350, \"text\": \"third\", \"max_tokens\": 2}",
        "{\"timestamp\": 1900, \"text\": \"fourth\", \"max_tokens\": 2}",
        "{\"timestamp\": 2500, \"text\": \"outside the window\", \"max_tokens\": 2}"));
    try (MockLlmServer server = mock()) {
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo"))
          .dataset(Datasets.singleTurn(trace))
          .fixedScheduleAutoOffset(true).fixedScheduleWindow(null, 2000L)
          .run();
      assertThat(r.requestsSent()).isEqualTo(4);
      List<ReceivedRequest> got = new ArrayList<>(server.receivedRequests());
      got.sort(Comparator.comparingLong(ReceivedRequest::arrivalNanos));
      assertThat(got).extracting(q -> JSON.readTree(q.body()).get("messages").get(0)
          .get("content").asText()).containsExactly("first", "second", "third", "fourth");
      // The first request also opens the first connection and runs cold code, so the schedule
      // is checked from the second one: trace times 1300, 1350, 1900 → 0, 50, 600 ms. Any one of
      // them can be late (a new connection, a busy machine), which would shift offsets measured
      // from a single request; so the origin is the least late of them, and each must then be
      // within 60 ms of its slot. Sending all at once, or at the wrong spacing, still fails.
      long[] expectedMs = {0, 50, 600};
      long origin = Long.MAX_VALUE;
      for (int i = 1; i < 4; i++) {
        origin = Math.min(origin, got.get(i).arrivalNanos() - expectedMs[i - 1] * 1_000_000L);
      }
      for (int i = 1; i < 4; i++) {
        double lateMs = (got.get(i).arrivalNanos() - expectedMs[i - 1] * 1_000_000L - origin) / 1e6;
        assertThat(lateMs).as("request %d, %d ms into the trace", i, expectedMs[i - 1])
            .isBetween(0.0, 60.0);
      }
      long t1 = got.get(1).arrivalNanos();
      assertThat(t1 - got.get(0).arrivalNanos()).isLessThanOrEqualTo(360_000_000L);
    }
  }

  @Test
  void fixedSchedule_withoutTimestamps_isRejected(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("demo"))
        .fixedSchedule(true).build())
        .isInstanceOf(InvalidBenchmarkConfigException.class)
        .hasMessageContaining("fixedSchedule was set but it needs a dataset with timestamps");
    Path noTimes = dir.resolve("plain.jsonl");
    Files.writeString(noTimes, "{\"text\": \"hi\"}\n");
    try (MockLlmServer server = mock()) {
      assertThatThrownBy(() -> Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo"))
          .dataset(Datasets.singleTurn(noTimes)).fixedSchedule(true).run())
          .hasMessageContaining("the dataset has no 'timestamp'");
    }
  }

  @Test
  void badJsonl_namesTheFileAndLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"text\": \"ok\"}\n{\"txt\": \"typo\"}\n");
    try (MockLlmServer server = mock()) {
      assertThatThrownBy(() -> Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo"))
          .dataset(Datasets.singleTurn(bad)).run())
          .hasMessageContaining(bad + " line 2: needs 'text' or 'texts'");
    }
  }
}
