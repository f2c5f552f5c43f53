package io.aiperf.jmh;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.engine.internal.endpoint.ChatEndpointProvider;
import io.aiperf.engine.internal.endpoint.CompletionsEndpointProvider;
import io.aiperf.engine.internal.endpoint.MessagesEndpointProvider;
import io.aiperf.engine.internal.endpoint.ResponsesEndpointProvider;
import io.aiperf.engine.internal.transport.SseFramer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a streamed answer costs the client per chunk: framing a 200-chunk OpenAI chat stream that
 * arrives in network-sized reads (heap and direct buffers, as Netty hands them over), and
 * extracting the delta text of each chunk for chat and completions (and the Anthropic Messages
 * and OpenAI Responses delta events). Scores are nanoseconds per chunk (every benchmark handles a
 * whole stream per invocation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
// JMH calls the @Setup method, which sets its fields, before any benchmark method.
@SuppressWarnings("NullAway.Init")
public class ParseBenchmarks {
  /** Content chunks per answer; the stream also has a role chunk, a finish chunk and usage. */
  static final int CHUNKS = 200;
  /** SSE messages in the stream: role, 200 content, finish, usage, [DONE]. */
  static final int MESSAGES = CHUNKS + 4;
  /** Chunks parsed per delta-extraction invocation: 200 content chunks and the usage chunk. */
  static final int PARSED = CHUNKS + 1;

  private static final String[] WORDS = {" the", " model", " answers", " with", " a", " token",
      " per", " chunk", ",", " and", " \\\"quoted\\\"", " text", " über", " 速度", ".", "\\n",
      " benchmark", " latency", " of", " inference"};

  private byte[] stream;
  private byte[][] chatChunks;
  private byte[][] completionChunks;
  private EndpointProvider.Endpoint chat;
  private EndpointProvider.Endpoint completions;
  private byte[][] messageEvents;
  private byte[][] responseEvents;
  private EndpointProvider.Endpoint messages;
  private EndpointProvider.Endpoint responses;

  /** The stream cut into network reads, in heap or direct buffers. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init")
  public static class Reads {
    /** The size of each network read: a TCP segment, or a loopback read holding many chunks. */
    @Param({"1448", "16384"})
    public int readSize;

    /** Whether reads come in heap or direct buffers (Netty's pooled buffers are direct). */
    @Param({"heap", "direct"})
    public String buffer;

    ByteBuffer[] reads;

    /**
     * Cuts the stream into reads.
     *
     * @param b the benchmark state holding the stream
     */
    @Setup
    public void setup(ParseBenchmarks b) {
      List<ByteBuffer> cut = new ArrayList<>();
      for (int from = 0; from < b.stream.length; from += readSize) {
        int n = Math.min(readSize, b.stream.length - from);
        ByteBuffer r = buffer.equals("direct") ? ByteBuffer.allocateDirect(n)
            : ByteBuffer.allocate(n);
        r.put(b.stream, from, n).flip();
        cut.add(r);
      }
      reads = cut.toArray(ByteBuffer[]::new);
    }
  }

  /** Builds the chunks and the stream, and creates the endpoints. */
  @Setup
  public void setup() {
    List<String> chat = new ArrayList<>();
    List<String> completion = new ArrayList<>();
    String chatHead = "{\"id\":\"chatcmpl-9f1c3e7a2b\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":";
    String completionHead = "{\"id\":\"cmpl-9f1c3e7a2b\",\"object\":\"text_completion\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"choices\":[{\"index\":0,\"text\":";
    for (int i = 0; i < CHUNKS; i++) {
      String word = WORDS[i % WORDS.length];
      chat.add(chatHead + "{\"content\":\"" + word + "\"},\"logprobs\":null,"
          + "\"finish_reason\":null}],\"usage\":null}");
      completion.add(completionHead + "\"" + word + "\",\"logprobs\":null,"
          + "\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}");
    }
    String usage = "\"usage\":{\"prompt_tokens\":550,\"completion_tokens\":200,"
        + "\"total_tokens\":750,\"completion_tokens_details\":null}}";
    chat.add("{\"id\":\"chatcmpl-9f1c3e7a2b\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"choices\":[]," + usage);
    completion.add("{\"id\":\"cmpl-9f1c3e7a2b\",\"object\":\"text_completion\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"choices\":[]," + usage);
    chatChunks = bytes(chat);
    completionChunks = bytes(completion);
    List<String> message = new ArrayList<>();
    List<String> response = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      String word = WORDS[i % WORDS.length];
      message.add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
          + "{\"type\":\"text_delta\",\"text\":\"" + word + "\"}}");
      response.add("{\"type\":\"response.output_text.delta\",\"sequence_number\":" + (i + 4)
          + ",\"item_id\":\"msg_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654\","
          + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + word + "\"}");
    }
    message.add("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\","
        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":200}}");
    response.add("{\"type\":\"response.completed\",\"sequence_number\":210,\"response\":"
        + "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\","
        + "\"usage\":{\"input_tokens\":550,\"output_tokens\":200,\"total_tokens\":750}}}");
    messageEvents = bytes(message);
    responseEvents = bytes(response);

    StringBuilder sse = new StringBuilder();
    sse.append("data: ").append(chatHead).append("{\"role\":\"assistant\",\"content\":\"\"},")
        .append("\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    for (int i = 0; i < CHUNKS; i++) {
      sse.append("data: ").append(chat.get(i)).append("\n\n");
    }
    sse.append("data: ").append(chatHead).append("{},\"logprobs\":null,")
        .append("\"finish_reason\":\"length\"}],\"usage\":null}\n\n");
    sse.append("data: ").append(chat.get(CHUNKS)).append("\n\n");
    sse.append("data: [DONE]\n\n");
    stream = sse.toString().getBytes(StandardCharsets.UTF_8);

    this.chat = new ChatEndpointProvider().create(Endpoints.openAiChat("http://x").model("m"));
    this.completions = new CompletionsEndpointProvider().create(
        Endpoints.openAiCompletions("http://x").model("m"));
    this.messages = new MessagesEndpointProvider().create(
        Endpoints.of("messages", "http://x").model("m"));
    this.responses = new ResponsesEndpointProvider().create(
        Endpoints.of("responses", "http://x").model("m"));
  }

  private static byte[][] bytes(List<String> chunks) {
    return chunks.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /**
   * Frames the whole stream, one read at a time, each stamped; the sink keeps every payload.
   *
   * @param r the reads
   * @param bh where the sink sends each message
   * @return the last read's stamp
   */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long framing(Reads r, Blackhole bh) {
    SseFramer framer = new SseFramer((event, data, comment, nanos) -> bh.consume(data));
    long nanos = 0;
    for (ByteBuffer read : r.reads) {
      read.rewind();
      framer.feed(read, ++nanos);
    }
    framer.finish(nanos);
    return nanos;
  }

  /**
   * Extracts the delta of every chat chunk of an answer, then its usage.
   *
   * @param bh the blackhole
   */
  @Benchmark
  @OperationsPerInvocation(PARSED)
  public void chatDeltas(Blackhole bh) {
    for (byte[] c : chatChunks) {
      bh.consume(chat.parse(c, 0, c.length));
    }
  }

  /**
   * Extracts the delta of every completions chunk of an answer, then its usage.
   *
   * @param bh the blackhole
   */
  @Benchmark
  @OperationsPerInvocation(PARSED)
  public void completionDeltas(Blackhole bh) {
    for (byte[] c : completionChunks) {
      bh.consume(completions.parse(c, 0, c.length));
    }
  }

  /**
   * Extracts the text of every Anthropic Messages delta event of an answer, then its usage.
   *
   * @param bh the blackhole
   */
  @Benchmark
  @OperationsPerInvocation(PARSED)
  public void messagesDeltas(Blackhole bh) {
    for (byte[] c : messageEvents) {
      bh.consume(messages.parse(c, 0, c.length));
    }
  }

  /**
   * Extracts the text of every OpenAI Responses delta event of an answer, then its usage.
   *
   * @param bh the blackhole
   */
  @Benchmark
  @OperationsPerInvocation(PARSED)
  public void responsesDeltas(Blackhole bh) {
    for (byte[] c : responseEvents) {
      bh.consume(responses.parse(c, 0, c.length));
    }
  }
}
