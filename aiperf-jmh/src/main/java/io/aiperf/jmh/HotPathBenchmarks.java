package io.aiperf.jmh;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.engine.internal.endpoint.ChatEndpointProvider;
import io.aiperf.engine.internal.metrics.MetricsAggregator;
import io.aiperf.engine.internal.transport.SseFramer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-chunk and per-record hot paths: SSE framing of a read, JSON delta extraction of a chunk,
 * recording a request's metric values. Scores are operations (chunks or records) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
// JMH calls the @Setup method, which sets its fields, before any benchmark or @TearDown method.
@SuppressWarnings("NullAway.Init")
public class HotPathBenchmarks {
  private static final int CHUNKS = 256;
  private byte[] stream;
  private byte[] chunk;
  private EndpointProvider.Endpoint chat;
  private MetricsAggregator aggregator;
  private double[] one;
  private final int[] count = new int[1];

  /** Builds a stream of 256 OpenAI chat chunks, one chunk, and an aggregator. */
  @Setup
  public void setup() {
    String c = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},"
        + "\"finish_reason\":null}]}";
    chunk = c.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < CHUNKS; i++) {
      sb.append("data: ").append(c).append("\n\n");
    }
    stream = sb.toString().getBytes(StandardCharsets.UTF_8);
    chat = new ChatEndpointProvider().create(Endpoints.openAiChat("http://x").model("m"));
    aggregator = new MetricsAggregator(List.of(new MetricInfo("request_latency",
        "Request Latency", "ms", 1e-6, 300, Set.<MetricFlag>of())));
    one = new double[] {12_345_678};
  }

  /**
   * Frames a read holding 256 SSE messages.
   *
   * @return messages seen
   */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public int sseFraming() {
    count[0] = 0;
    SseFramer framer = new SseFramer((event, data, comment, nanos) -> count[0]++);
    framer.feed(ByteBuffer.wrap(stream), 1L);
    return count[0];
  }

  /**
   * Extracts the content delta of one chat chunk (what a record processor does per chunk).
   *
   * @return the parsed response
   */
  @Benchmark
  public @Nullable ParsedResponse chunkDeltaExtraction() {
    return chat.parse(chunk, 0, chunk.length);
  }

  /**
   * Records one metric value (exact array and HdrHistogram).
   *
   * @param bh the blackhole
   */
  @Benchmark
  public void metricRecording(Blackhole bh) {
    aggregator.add("request_latency", one);
    bh.consume(aggregator);
  }
}
