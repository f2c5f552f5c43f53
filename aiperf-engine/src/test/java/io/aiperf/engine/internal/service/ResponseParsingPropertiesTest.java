package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Plugins;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every endpoint's response parsing, through the record processor, on generated server output:
 * valid chunks, chunks cut short or mutated, error payloads and garbage. Whatever a server sends
 * becomes one record, a success or a typed error with a message; nothing escapes as an exception
 * (which would cost the run a "RecordProcessingError", the fallback kept for plugin bugs).
 */
final class ResponseParsingPropertiesTest {
  private static final List<MessageBus> buses = new ArrayList<>();
  private static final Map<String, RecordProcessor> processors = new LinkedHashMap<>();

  @BeforeContainer
  static void startProcessors() throws Exception {
    for (EndpointProvider p : Plugins.all(EndpointProvider.class)) {
      for (boolean streaming : new boolean[] {false, true}) {
        if (streaming && !p.supportsStreaming()) {
          continue;
        }
        BenchmarkConfig config;
        try {
          config = Benchmark.builder()
              .endpoint(Endpoints.of(p.name(), "http://127.0.0.1:1").model("m")
                  .streaming(streaming))
              .dataset(Datasets.synthetic().inputTokens(8, 0)).requestCount(1).build();
        } catch (RuntimeException needsMoreConfig) {
          continue; // e.g. a template endpoint without its template
        }
        MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(1024));
        buses.add(bus);
        RecordProcessor rp = new RecordProcessor("rp", bus, config);
        try {
          rp.initialize();
        } catch (IllegalArgumentException needsMoreConfig) {
          continue; // e.g. a template endpoint without its template
        }
        processors.put(p.name() + (streaming ? "+stream" : ""), rp);
      }
    }
  }

  @AfterContainer
  static void stopProcessors() {
    processors.values().forEach(RecordProcessor::stop);
    buses.forEach(MessageBus::close);
  }

  private static RawRecord streamed(List<String> chunks) {
    int n = chunks.size();
    long[] nanos = LongStream.range(0, n).map(i -> 1_000 + 10 * i).toArray();
    byte[][] data = chunks.stream().map(c -> c.getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
    return request(true).status(200, "text/event-stream")
        .stream(nanos, new String[n], data, new String[n], n).build();
  }

  private static RawRecord whole(String body, int status) {
    return request(false).status(status, "application/json")
        .body(new long[] {1_000}, body.getBytes(StandardCharsets.UTF_8)).build();
  }

  private static RawRecordBuilder request(boolean streaming) {
    return RawRecord.builder().credit(1, Phase.PROFILING, 0, 0, 0, 0).worker("w").ids("r", "c")
        .inputTokens(8).inputText("hello there").requestedOutputTokens(16).streaming(streaming)
        .sent(100, 0, false).end(2_000);
  }

  private static void assertOneTypedRecord(RecordProcessor rp, RawRecord raw) {
    ProcessedRecord[] out = new ProcessedRecord[1];
    assertThatCode(() -> out[0] = rp.process(raw)).doesNotThrowAnyException();
    ProcessedRecord r = out[0];
    assertThat(r).isNotNull();
    if (!r.success()) {
      assertThat(r.errorType()).isNotBlank().isNotEqualTo("RecordProcessingError");
      assertThat(r.errorMessage()).isNotNull();
    }
  }

  @Property(tries = 1)
  void everyBuiltInEndpoint_isFuzzed() {
    assertThat(processors).containsKeys("chat", "chat+stream", "completions",
        "completions+stream");
  }

  @Property(tries = 400)
  void anyStream_becomesOneTypedRecord(@ForAll("chunks") List<String> chunks) {
    processors.forEach((name, rp) -> assertOneTypedRecord(rp, streamed(chunks)));
  }

  @Property(tries = 400)
  void anyBody_withAnyStatus_becomesOneTypedRecord(@ForAll("chunk") String body,
      @ForAll("status") int status) {
    processors.forEach((name, rp) -> assertOneTypedRecord(rp, whole(body, status)));
  }

  @Provide
  Arbitrary<Integer> status() {
    return Arbitraries.oneOf(Arbitraries.just(200), Arbitraries.of(400, 404, 429, 500, 503),
        Arbitraries.integers().between(100, 599));
  }

  /** Real chunk shapes of every API, the same cut short or mutated, and noise. */
  @Provide
  Arbitrary<String> chunk() {
    Arbitrary<String> valid = Arbitraries.of(
        "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}",
        "{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\",\"content\":\"hi\"}}]}",
        "{\"choices\":[{\"text\":\"hi\"}]}",
        "{\"choices\":[{\"message\":{\"content\":\"hello\"}}],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":2}}",
        "{\"choices\":[],\"usage\":{\"completion_tokens\":null}}",
        "{\"data\":[{\"embedding\":[0.1,0.2]}]}",
        "[{\"index\":0,\"score\":0.5}]",
        "{\"rankings\":[{\"index\":0,\"logit\":1.5}]}",
        "{\"results\":[{\"index\":0,\"relevance_score\":0.9}]}",
        "{\"generated_text\":\"hi\"}",
        "{\"token\":{\"text\":\"hi\"}}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}",
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}",
        "{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":3}}",
        "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
        "{\"error\":\"plain\"}",
        "[DONE]", "", "null", "[]", "{}", "\"text\"", "42");
    Arbitrary<String> cut = valid.flatMap(v -> Arbitraries.integers().between(0, v.length())
        .map(i -> v.substring(0, i)));
    Arbitrary<String> mutated = valid.flatMap(v -> Arbitraries.integers()
        .between(0, Math.max(0, v.length() - 1))
        .flatMap(i -> Arbitraries.chars().map(c -> v.isEmpty() ? String.valueOf(c)
            : v.substring(0, i) + c + v.substring(i + 1))));
    Arbitrary<String> nested = Arbitraries.integers().between(1, 3000)
        .map(depth -> "[".repeat(depth) + "]".repeat(depth));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, valid), net.jqwik.api.Tuple.of(3, cut),
        net.jqwik.api.Tuple.of(3, mutated), net.jqwik.api.Tuple.of(1, nested),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(40)));
  }

  @Provide
  Arbitrary<List<String>> chunks() {
    return chunk().list().ofMaxSize(8);
  }
}
