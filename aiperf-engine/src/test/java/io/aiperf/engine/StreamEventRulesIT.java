package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.SentEvent;
import io.aiperf.mock.SentEvent.Kind;
import io.aiperf.mock.SentStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which stream events the timing metrics are measured to, checked per request against the mock's
 * own log of its writes ({@link MockLlmServer#sentStreams()}), with every event in a write of its
 * own: the role chunk well before the first token, the usage chunk and {@code [DONE]} well after
 * the last. AIPerf's rules: TTFT to the first chunk carrying text (reasoning counts), TTFO to the
 * first carrying output text, request latency to the last chunk carrying text; role-only, usage
 * and {@code [DONE]} chunks never count, and inter-chunk latencies are the gaps between chunks
 * carrying text.
 *
 * <p>The client's start is before the mock's arrival stamp and each read after the matching write,
 * so a time from the start is at least the mock's and at most {@link #FROM_START} more; a gap
 * between two reads is the mock's gap within {@link #GAP}. The gaps that tell the rules apart
 * (role lead, tail gap, two ITLs) are several times those slacks; a loaded machine may still fire
 * the mock's timers late and shrink one, so each test checks every request's values against the
 * mock's writes and needs only some requests whose gaps tell the rules apart.
 */
final class StreamEventRulesIT {
  private static final double NS_TO_MS = 1e-6;
  /**
   * Sending the request, the mock parsing it, and reading the answer, on a loaded machine: the
   * most a time from the start may exceed the mock's (it is never less).
   */
  private static final double FROM_START = 20.0;
  /** Two reads' delays after their writes differ by at most this, in ms. */
  private static final double GAP = 8.0;
  private static final int REQUESTS = 5;
  /** A cold client spends tens of ms on its first requests before sending: not what is tested. */
  private static final int WARMUP = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MockLlmServer mock(int reasoningTokens) {
    return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
        .ttft(Duration.ofMillis(80)).itl(Duration.ofMillis(20)).reasoningTokens(reasoningTokens)
        .separateEvents(true).roleLead(Duration.ofMillis(60)).tailGap(Duration.ofMillis(50))
        .recordWrites(WARMUP + REQUESTS).seed(1).build());
  }

  private static Map<String, JsonNode> run(MockLlmServer server, Path dir, int outputTokens)
      throws Exception {
    BenchmarkResult r = Benchmark.builder()
        .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
        .concurrency(1).warmupRequestCount(WARMUP).requestCount(REQUESTS)
        .dataset(Datasets.synthetic().inputTokens(20, 0).outputTokens(outputTokens, 0).seed(7))
        .artifactDir(dir)
        .run();
    assertThat(r.requestsCompleted()).isEqualTo(REQUESTS);
    assertThat(r.requestsFailed()).isZero();
    Map<String, JsonNode> byId = new HashMap<>();
    int warmup = 0;
    for (String line : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      if ("warmup".equals(record.at("/metadata/benchmark_phase").asText())) {
        warmup++; // AIPerf's file has the warmup's requests too, marked as such
        continue;
      }
      byId.put(record.at("/metadata/x_request_id").asText(), record);
    }
    assertThat(byId).hasSize(REQUESTS);
    assertThat(warmup).isEqualTo(WARMUP);
    assertThat(server.sentStreams()).hasSize(WARMUP + REQUESTS);
    return byId;
  }

  /** The mock's logs of the profiled requests (not the warmup's). */
  private static List<SentStream> profiled(MockLlmServer server, Map<String, JsonNode> records) {
    List<SentStream> out = server.sentStreams().stream()
        .filter(s -> records.containsKey(s.requestId())).toList();
    assertThat(out).hasSize(REQUESTS);
    return out;
  }

  private static double metric(JsonNode record, String tag) {
    JsonNode v = record.at("/metrics/" + tag + "/value");
    assertThat(v.isNumber()).as(tag + " in " + record).isTrue();
    return v.asDouble();
  }

  /** The mock's time from its arrival stamp to an event's write, in ms. */
  private static double fromArrival(SentStream s, SentEvent e) {
    return (e.nanos() - s.startNanos()) * NS_TO_MS;
  }

  private static double gap(SentEvent a, SentEvent b) {
    return (b.nanos() - a.nanos()) * NS_TO_MS;
  }

  /** Whether two events were written far enough apart for the bounds to tell them apart. */
  private static boolean discriminates(SentEvent a, SentEvent b) {
    return gap(a, b) > FROM_START + 2;
  }

  private static String describe(SentStream s) {
    StringBuilder sb = new StringBuilder(s.requestId()).append(':');
    for (SentEvent e : s.events()) {
      sb.append(String.format(java.util.Locale.ROOT, " %s@%.2f", e.kind(), fromArrival(s, e)));
    }
    return sb.toString();
  }

  /** Asserts a client time from the request's start against the mock's time from its arrival. */
  private static void fromStart(SentStream s, String what, double measured, double mockTruth) {
    assertThat(measured).as(what + " (mock wrote it %.2f ms after arrival) in " + describe(s), mockTruth)
        .isBetween(mockTruth - 1.0, mockTruth + FROM_START);
  }

  @Test
  void ttftIsToTheFirstContentChunk_latencyToTheLast_andTheRoleAndTailNeverCount(
      @TempDir Path dir) throws Exception {
    try (MockLlmServer server = mock(0)) {
      Map<String, JsonNode> records = run(server, dir, 5);
      int roleApart = 0;
      int tailApart = 0;
      for (SentStream s : profiled(server, records)) {
        JsonNode record = records.get(s.requestId());
        assertThat(record).as("record of " + describe(s)).isNotNull();
        SentEvent role = s.events(Kind.ROLE).get(0);
        List<SentEvent> content = s.events(Kind.CONTENT);
        List<SentEvent> tail = s.events(Kind.TAIL);
        assertThat(content).hasSize(5);
        assertThat(tail).hasSize(2); // usage chunk, then [DONE]
        SentEvent first = content.get(0);
        SentEvent last = content.get(4);

        // The role is due 60 ms before the first token: TTFT is to the token, and where the
        // two are apart by more than the slack the bounds cannot hold for both.
        roleApart += discriminates(role, first) ? 1 : 0;
        fromStart(s, "time_to_first_token", metric(record, "time_to_first_token"),
            fromArrival(s, first));
        assertThat(metric(record, "time_to_second_token"))
            .isCloseTo(gap(first, content.get(1)), within(GAP));

        // Usage 50 ms and [DONE] 100 ms after the last token: latency is to the token.
        tailApart += discriminates(last, tail.get(0)) ? 1 : 0;
        fromStart(s, "request_latency", metric(record, "request_latency"), fromArrival(s, last));
        // The same start cancels out of a difference, which must then be the mock's gap.
        assertThat(metric(record, "request_latency") - metric(record, "time_to_first_token"))
            .as("latency - TTFT in " + describe(s)).isCloseTo(gap(first, last), within(GAP));

        // One inter-chunk latency per gap between content chunks, each the mock's gap.
        JsonNode icl = record.at("/metrics/inter_chunk_latency/value");
        assertThat(icl.size()).as("inter_chunk_latency of " + record).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
          assertThat(icl.get(i).asDouble()).as("inter_chunk_latency[" + i + "] in " + describe(s))
              .isCloseTo(gap(content.get(i), content.get(i + 1)), within(GAP));
        }
        // ITL averages the four gaps: (latency - TTFT) / (OSL - 1).
        assertThat(metric(record, "inter_token_latency"))
            .isCloseTo(gap(first, last) / 4, within(GAP / 2));
        assertThat(metric(record, "output_sequence_length")).isEqualTo(5.0);
      }
      assertThat(roleApart).as("requests whose role chunk was apart from the first token")
          .isPositive();
      assertThat(tailApart).as("requests whose usage chunk was apart from the last token")
          .isPositive();
    }
  }

  @Test
  void reasoningFirst_ttftIsToTheFirstReasoningChunk_ttfoToTheFirstOutput(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = mock(2)) {
      Map<String, JsonNode> records = run(server, dir, 5);
      int outputApart = 0;
      for (SentStream s : profiled(server, records)) {
        JsonNode record = records.get(s.requestId());
        assertThat(record).as("record of " + describe(s)).isNotNull();
        List<SentEvent> reasoning = s.events(Kind.REASONING);
        List<SentEvent> content = s.events(Kind.CONTENT);
        assertThat(reasoning).hasSize(2);
        assertThat(content).hasSize(3);
        List<SentEvent> text = s.events().stream()
            .filter(e -> e.kind() == Kind.REASONING || e.kind() == Kind.CONTENT).toList();

        fromStart(s, "time_to_first_token", metric(record, "time_to_first_token"),
            fromArrival(s, reasoning.get(0)));
        // Output text starts two ITLs (40 ms) after the reasoning.
        outputApart += discriminates(reasoning.get(0), content.get(0)) ? 1 : 0;
        fromStart(s, "time_to_first_output_token", metric(record, "time_to_first_output_token"),
            fromArrival(s, content.get(0)));
        fromStart(s, "request_latency", metric(record, "request_latency"),
            fromArrival(s, content.get(2)));
        assertThat(metric(record, "time_to_first_output_token")
            - metric(record, "time_to_first_token")).as("TTFO - TTFT in " + describe(s))
            .isCloseTo(gap(reasoning.get(0), content.get(0)), within(GAP));

        JsonNode icl = record.at("/metrics/inter_chunk_latency/value");
        assertThat(icl.size()).as("inter_chunk_latency of " + record).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
          assertThat(icl.get(i).asDouble()).as("inter_chunk_latency[" + i + "] in " + describe(s))
              .isCloseTo(gap(text.get(i), text.get(i + 1)), within(GAP));
        }
        assertThat(metric(record, "reasoning_token_count")).isEqualTo(2.0);
        assertThat(metric(record, "output_token_count")).isEqualTo(3.0);
        assertThat(metric(record, "output_sequence_length")).isEqualTo(5.0);
        assertThat(metric(record, "inter_token_latency"))
            .isCloseTo(gap(text.get(0), text.get(4)) / 4, within(GAP / 2));
      }
      assertThat(outputApart).as("requests whose output was apart from the reasoning").isPositive();
    }
  }
}
