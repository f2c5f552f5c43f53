package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reasoning and output text in the same chunk, computed by hand: TTFT is the first chunk with
 * either, TTFO the first with output text, and each kind is tokenized on its own.
 */
final class ReasoningSplitTest {
  private static final long START = 100;

  private static ProcessedRecord process(String endpoint, List<String> chunks, long[] nanos)
      throws Exception {
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.of(endpoint, "http://127.0.0.1:1").model("m").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(8, 0)).requestCount(1).build();
    try (MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(64))) {
      RecordProcessor rp = new RecordProcessor("rp", bus, config);
      rp.initialize();
      try {
        int n = chunks.size();
        byte[][] data = chunks.stream().map(c -> c.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
        return rp.process(RawRecord.builder().credit(1, Messages.Phase.PROFILING, 0, 0, 0, 0)
            .worker("w").ids("r", "c").inputTokens(8).requestedOutputTokens(0).streaming(true)
            .sent(START, 0, false).end(nanos[n - 1]).status(200, "text/event-stream")
            .stream(nanos, new String[n], data, new String[n], n).build());
      } finally {
        rp.stop();
      }
    }
  }

  private static double value(ProcessedRecord r, String tag) {
    int id = MetricRegistry.installed().id(tag);
    assertThat(r.values().count(id)).as(tag).isPositive();
    return r.values().first(id);
  }

  @Test
  void chat_reasoningAndContentInOneChunk_splitsCountsAndTimes() throws Exception {
    ProcessedRecord r = process("chat", List.of(
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"reasoning_content\":"
            + "\" Let me think\"}}]}",
        // Both in one chunk: the reasoning ends and the output begins.
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"reasoning_content\":"
            + "\" about it\",\"content\":\" The answer\"}}]}",
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\" is yes\"}}]}",
        "{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,"
            + "\"completion_tokens\":9,\"total_tokens\":17}}",
        "[DONE]"), new long[] {1_000, 2_000, 3_000, 3_500, 3_600});
    assertThat(r.success()).as(r.errorMessage()).isTrue();
    assertThat(value(r, "time_to_first_token")).isEqualTo(900);             // 1000 - 100
    assertThat(value(r, "time_to_first_output_token")).isEqualTo(1_900);    // 2000 - 100
    assertThat(value(r, "request_latency")).isEqualTo(2_900);               // last content
    assertThat(value(r, "reasoning_token_count")).isEqualTo(5);  // Let me think about it
    assertThat(value(r, "output_token_count")).isEqualTo(4);     // The answer is yes
    assertThat(value(r, "output_sequence_length")).isEqualTo(9);
    // Three content chunks; the usage chunk and [DONE] do not count for timing.
    assertThat(r.values().copyOf(MetricRegistry.installed().id("inter_chunk_latency"))).containsExactly(1_000, 1_000);
  }

  @Test
  void responses_thinkingThenOutputEvents_sameRules() throws Exception {
    ProcessedRecord r = process("responses", List.of(
        "{\"type\":\"response.created\",\"response\":{\"output\":[]}}",
        "{\"type\":\"response.reasoning_text.delta\",\"delta\":\" Let me think\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\" The answer\"}",
        "{\"type\":\"response.output_text.done\",\"text\":\" The answer\"}",
        "{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":8,"
            + "\"output_tokens\":5,\"total_tokens\":13}}}"),
        new long[] {500, 1_000, 2_000, 2_100, 2_200});
    assertThat(r.success()).as(r.errorMessage()).isTrue();
    assertThat(value(r, "time_to_first_token")).isEqualTo(900);
    assertThat(value(r, "time_to_first_output_token")).isEqualTo(1_900);
    assertThat(value(r, "reasoning_token_count")).isEqualTo(3);
    assertThat(value(r, "output_token_count")).isEqualTo(2);   // the done event is not counted
    assertThat(value(r, "usage_completion_tokens")).isEqualTo(5);
  }
}
