package io.aiperf.jmh;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.api.spi.TransportProvider.HttpTrace;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.endpoint.ChatEndpointProvider;
import io.aiperf.engine.internal.endpoint.ChunkReader;
import io.aiperf.engine.internal.endpoint.CompletionsEndpointProvider;
import io.aiperf.engine.internal.endpoint.StreamText;
import io.aiperf.engine.internal.service.Messages;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.ServiceProviders;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a record processor spends per streamed chunk: extracting the delta of every message of a
 * 200-token chat (or completions) answer as vLLM, SGLang and OpenAI send it (a role chunk, 200
 * content chunks, a finish chunk, a usage chunk and {@code [DONE]}), and
 * {@code RecordProcessor.process} of such an answer (parse, o200k count, every core metric).
 * Scores are nanoseconds per message; {@code -prof gc} adds bytes allocated per message.
 *
 * <p>On a shared two-core machine wall time also counts the time the scheduler gave other
 * processes; each benchmark therefore also counts its thread's own CPU time ({@code cpuNanos}) and
 * the messages it read ({@code messages}), summed over the iterations: CPU nanoseconds per
 * message is their ratio.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Thread)
// JMH calls the @Setup methods, which set the fields, before any benchmark or @TearDown method.
@SuppressWarnings("NullAway.Init")
public class DeltaBenchmarks {
  static final int CHUNKS = 200;
  /** Messages per answer: role, 200 content chunks, finish, usage, [DONE]. */
  static final int MESSAGES = CHUNKS + 4;

  /** Words of one token each, with a few escapes and non-ASCII text as real output has. */
  private static final String[] WORDS = {" the", " model", " answers", " with", " a", " token",
      " per", " chunk", ",", " and", " \\\"quoted\\\"", " text", " über", " 速度", ".", "\\n",
      " benchmark", " latency", " of", " inference"};

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The benchmark thread's CPU time and the messages it read, per iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    /** CPU nanoseconds of the benchmark thread in the timed invocations. */
    public long cpuNanos;
    /** Messages read in them. */
    public long messages;

    /** Starts counting each iteration afresh. */
    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      messages = 0;
    }
  }

  private EndpointProvider.Endpoint chat;
  private EndpointProvider.Endpoint completions;
  private byte[][] completionMessages;

  /** A server's chunk shape. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init")
  public static class Shape {
    /** Whose chunks: vLLM's, SGLang's (every delta field, nulls too) or OpenAI's. */
    @Param({"vllm", "sglang", "openai"})
    public String server;

    byte[][] messages;

    /** Builds the answer's messages. */
    @Setup
    public void setup() {
      messages = bytes(chatAnswer(server));
    }
  }

  /** Creates the endpoints and the completions answer. */
  @Setup
  public void setup() {
    chat = new ChatEndpointProvider().create(Endpoints.openAiChat("http://x").model("m"));
    completions = new CompletionsEndpointProvider().create(
        Endpoints.openAiCompletions("http://x").model("m"));
    completionMessages = bytes(completionsAnswer());
  }

  /**
   * Extracts the delta (and usage) of every message of a streamed chat answer.
   *
   * @param s the answer
   * @param cpu the thread's CPU time
   * @param bh the blackhole
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void chatAnswer(Shape s, Cpu cpu, Blackhole bh) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (byte[] m : s.messages) {
      bh.consume(chat.parse(m, 0, m.length));
    }
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.messages += MESSAGES;
  }

  /**
   * Reads every message of a streamed chat answer as a record processor does: through a
   * {@link ChunkReader} (chunks of the shape seen before: only their text is checked, and its
   * bytes are joined), the text joined into one String per answer.
   *
   * @param s the answer
   * @param reader the reader and the text
   * @param cpu the thread's CPU time
   * @param bh the blackhole
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void chatAnswerRead(Shape s, Reader reader, Cpu cpu, Blackhole bh) {
    long start = THREADS.getCurrentThreadCpuTime();
    ChunkReader r = reader.reader;
    StreamText text = reader.text.clear();
    for (byte[] m : s.messages) {
      if (r.matches(m, 0, m.length)) {
        if (!r.textIsEmpty()) {
          r.appendText(text);
        }
        bh.consume(r.reasoning());
      } else {
        io.aiperf.api.spi.ParsedResponse p = r.parse(m, 0, m.length);
        if (p != null && p.content() != null) {
          text.append(p.content());
        }
        bh.consume(p);
      }
    }
    bh.consume(text.toString());
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.messages += MESSAGES;
  }

  /** A record processor's chunk reader and text. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init")
  public static class Reader {
    ChunkReader reader;
    final StreamText text = new StreamText();

    /** Creates the reader for a chat endpoint. */
    @Setup
    public void setup() {
      reader = java.util.Objects.requireNonNull(ChunkReader.of(new ChatEndpointProvider().create(
          Endpoints.openAiChat("http://x").model("m"))));
    }
  }

  /**
   * Extracts the text (and usage) of every message of a streamed completions answer (vLLM).
   *
   * @param cpu the thread's CPU time
   * @param bh the blackhole
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void completionsAnswer(Cpu cpu, Blackhole bh) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (byte[] m : completionMessages) {
      bh.consume(completions.parse(m, 0, m.length));
    }
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.messages += MESSAGES;
  }

  /** A record processor and one raw streamed vLLM chat answer. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init")
  public static class Processor {
    private MessageBus bus;
    private Service processor;
    private MethodHandle process;
    private RawRecord raw;

    /** Starts a record processor (o200k tokenizer) and makes the raw record. */
    @Setup(Level.Trial)
    public void setup() throws Throwable {
      bus = new InMemoryBusProvider().create(BusConfig.of(1024));
      BenchmarkConfig config = Benchmark.builder()
          .endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m").streaming(true))
          .dataset(Datasets.synthetic().inputTokens(550, 0).tokenizer("o200k_base"))
          .requestCount(1000).build();
      processor = new ServiceProviders.RecordProcessorProvider()
          .create("record_processor_0", bus, config);
      processor.initialize();
      Method m = processor.getClass().getDeclaredMethod("process", RawRecord.class);
      m.setAccessible(true);
      process = MethodHandles.lookup().unreflect(m);
      raw = streamed(bytes(chatAnswer("vllm")));
    }

    /** Stops the processor. */
    @TearDown(Level.Trial)
    public void close() {
      processor.stop();
      bus.close();
    }
  }

  /**
   * Turns one raw streamed chat answer (vLLM, 204 messages) into a processed record; the score
   * is per message.
   *
   * @param p the processor and the record
   * @param cpu the thread's CPU time
   * @return the processed record
   * @throws Throwable never, in practice: the processor turns failures into error records
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(MESSAGES)
  public ProcessedRecord processRecord(Processor p, Cpu cpu) throws Throwable {
    long start = THREADS.getCurrentThreadCpuTime();
    ProcessedRecord r = (ProcessedRecord) p.process.invoke(p.processor, p.raw);
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.messages += MESSAGES;
    return r;
  }

  static List<String> chatAnswer(String server) {
    String envelope = switch (server) {
      case "vllm" -> "\"id\":\"chatcmpl-9f1c3e7a2b8d4c6e\",\"object\":\"chat.completion.chunk\","
          + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\"";
      case "sglang" -> "\"id\":\"5f0c1d2e3a4b4c5d9e8f7a6b5c4d3e2f\","
          + "\"object\":\"chat.completion.chunk\",\"created\":1718000000,\"model\":\"default\"";
      case "openai" -> "\"id\":\"chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012\","
          + "\"object\":\"chat.completion.chunk\",\"created\":1718000000,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
          + "\"system_fingerprint\":\"fp_0ba0d124f1\"";
      default -> throw new IllegalArgumentException(server);
    };
    String head = "{" + envelope + ",\"choices\":[{\"index\":0,\"delta\":";
    String tail = switch (server) {
      case "vllm" -> ",\"logprobs\":null,\"finish_reason\":%s}]}";
      case "sglang" -> ",\"logprobs\":null,\"finish_reason\":%s,\"matched_stop\":null}],"
          + "\"usage\":null}";
      default -> ",\"logprobs\":null,\"finish_reason\":%s}],\"usage\":null,"
          + "\"obfuscation\":\"x7Qp\"}";
    };
    List<String> out = new ArrayList<>();
    String role = server.equals("sglang")
        ? "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":null,\"tool_calls\":null}"
        : "{\"role\":\"assistant\",\"content\":\"\"}";
    out.add(head + role + tail.replace("%s", "null"));
    for (int i = 0; i < CHUNKS; i++) {
      String content = "\"" + WORDS[i % WORDS.length] + "\"";
      String delta = server.equals("sglang")
          ? "{\"role\":null,\"content\":" + content + ",\"reasoning_content\":null,"
              + "\"tool_calls\":null}"
          : "{\"content\":" + content + "}";
      out.add(head + delta + tail.replace("%s", "null"));
    }
    String finish = server.equals("sglang")
        ? "{\"role\":null,\"content\":null,\"reasoning_content\":null,\"tool_calls\":null}" : "{}";
    out.add(head + finish + tail.replace("%s", "\"length\""));
    String usage = "\"usage\":{\"prompt_tokens\":550,\"total_tokens\":750,"
        + "\"completion_tokens\":200" + (server.equals("vllm") ? "" :
        ",\"prompt_tokens_details\":null,\"completion_tokens_details\":null") + "}";
    out.add("{" + envelope + ",\"choices\":[]," + usage + "}");
    out.add("[DONE]");
    return out;
  }

  static List<String> completionsAnswer() {
    String head = "{\"id\":\"cmpl-9f1c3e7a2b8d4c6e\",\"object\":\"text_completion\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"choices\":[{\"index\":0,\"text\":";
    List<String> out = new ArrayList<>();
    out.add(head + "\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}]}");
    for (int i = 0; i < CHUNKS; i++) {
      out.add(head + "\"" + WORDS[i % WORDS.length] + "\",\"logprobs\":null,"
          + "\"finish_reason\":null,\"stop_reason\":null}]}");
    }
    out.add(head + "\"\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}");
    out.add("{\"id\":\"cmpl-9f1c3e7a2b8d4c6e\",\"object\":\"text_completion\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":550,\"total_tokens\":750,"
        + "\"completion_tokens\":200}}");
    out.add("[DONE]");
    return out;
  }

  static byte[][] bytes(List<String> messages) {
    return messages.stream().map(s -> s.getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
  }

  /** A streamed answer, one message about every millisecond, as the transport records it. */
  static RawRecord streamed(byte[][] data) {
    int n = data.length;
    long start = 1_000_000_000L;
    long[] nanos = new long[n];
    long t = start + 20_000_000;
    for (int i = 0; i < n; i++) {
      t += 700_000 + (i * 7919L) % 600_000;
      nanos[i] = t;
    }
    return RawRecord.builder()
        .credit(0, Messages.Phase.PROFILING, 0, 0, start - 50_000, start - 100_000)
        .worker("worker_0").ids("req-0", "corr-0").inputTokens(550)
        .requestedOutputTokens(CHUNKS).streaming(true).sent(start, 0, true)
        .end(t + 10_000).trace(new HttpTrace(0, 0, 0, 20_000, t - start, 10_000, true, 2_400,
            40_000, n, 0, 1))
        .status(200, "text/event-stream")
        .stream(nanos, new String[n], data, new String[n], n).build();
  }
}
