package io.aiperf.jmh;

import io.aiperf.engine.internal.transport.Http1ResponseDecoder;
import io.aiperf.engine.internal.transport.SseFramer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
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

/**
 * What an HTTP/1.1 event loop spends decoding a response, from the read's buffer to the
 * listener: the recorded answers of {@link StaticServer} (a 200-chunk SSE stream, a
 * content-length JSON completion) cut into reads as a socket hands them over (the whole answer,
 * 1 KB reads, one HTTP chunk per read), each read copied into a direct buffer of Netty's default allocator, fired into
 * a channel pipeline and released, the body fed to an {@link SseFramer} or kept, as the
 * transport's listener does. {@code stream} scores are nanoseconds per HTTP chunk (202 per
 * answer: 200 content chunks, usage, [DONE]); {@code json} scores are nanoseconds per answer.
 *
 * <p>On a machine shared with other work the wall time includes whatever the scheduler gave to
 * others; the {@code cpuNanos} and {@code units} counters are the benchmark thread's own CPU time
 * and the chunks (or answers) decoded in it: their ratio is the cost that others do not inflate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
// JMH calls the @Setup method, which sets its fields, before any benchmark method.
@SuppressWarnings("NullAway.Init")
public class Http1DecodeBenchmarks {
  /** Content chunks per streamed answer, as bench/vs-wrk.sh serves them. */
  private static final int TOKENS = 200;
  /** HTTP chunks per streamed answer: the content chunks, usage and [DONE]. */
  static final int CHUNKS = TOKENS + 2;
  /** JSON answers per invocation, so that reading the thread's CPU time costs little per answer. */
  static final int ANSWERS = 32;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The benchmark thread's CPU time in the measured invocations, and what it decoded. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    /** CPU nanoseconds of the benchmark thread. */
    public long cpuNanos;
    /** HTTP chunks (stream) or answers (json) decoded. */
    public long units;

    /** Starts counting each iteration afresh. */
    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      units = 0;
    }
  }

  /** How the answer is cut into reads. */
  @Param({"whole", "1kb", "chunk"})
  public String split;

  /**
   * {@code own}: the transport's {@link Http1ResponseDecoder}, in a handler that does what the
   * transport's does; {@code netty}: Netty's HttpResponseDecoder and the handler the transport had
   * behind it before (as of 295431a), kept here as the baseline.
   */
  @Param({"own", "netty"})
  public String decoder;

  private byte[][] streamReads;
  private byte[][] jsonReads;
  private EmbeddedChannel channel;
  private Listener listener;

  /** Records the answers, cuts them and builds the pipeline. */
  @Setup(Level.Trial)
  public void setup() {
    CannedAnswers answers = new CannedAnswers(TOKENS);
    streamReads = cut(answers.stream(false), split);
    jsonReads = cut(answers.completion(false), split);
    listener = new Listener();
    channel = new EmbeddedChannel();
    if (decoder.equals("own")) {
      channel.pipeline().addLast(new ClientHandler(listener));
    } else {
      channel.pipeline().addLast(new HttpResponseDecoder(), new NettyClientHandler(listener));
    }
  }

  /** Closes the channel. */
  @TearDown(Level.Trial)
  public void close() {
    channel.close();
  }

  /**
   * Decodes one streamed answer.
   *
   * @param cpu the thread's CPU time
   * @return payload bytes the framer delivered
   */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public long stream(Cpu cpu) {
    long start = THREADS.getCurrentThreadCpuTime();
    long bytes = answer(streamReads);
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.units += CHUNKS;
    return bytes;
  }

  /**
   * Decodes {@link #ANSWERS} content-length JSON answers, one after the other.
   *
   * @param cpu the thread's CPU time
   * @return body bytes kept
   */
  @Benchmark
  @OperationsPerInvocation(ANSWERS)
  public long json(Cpu cpu) {
    long start = THREADS.getCurrentThreadCpuTime();
    long bytes = 0;
    for (int i = 0; i < ANSWERS; i++) {
      bytes += answer(jsonReads);
    }
    cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.units += ANSWERS;
    return bytes;
  }

  private long answer(byte[][] reads) {
    listener.reset();
    for (byte[] read : reads) {
      // The allocator a socket channel reads into (Netty 4.2: the adaptive pool).
      ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(read.length);
      buf.writeBytes(read);
      channel.pipeline().fireChannelRead(buf);
    }
    if (!listener.complete) {
      throw new IllegalStateException("the answer did not complete");
    }
    return listener.bytes;
  }

  /** Cuts an answer into reads: whole, 1 KB each, or one HTTP chunk (or header block) each. */
  static byte[][] cut(byte[] answer, String split) {
    List<byte[]> reads = new ArrayList<>();
    switch (split) {
      case "whole" -> reads.add(answer);
      case "1kb" -> {
        for (int from = 0; from < answer.length; from += 1024) {
          reads.add(Arrays.copyOfRange(answer, from, Math.min(answer.length, from + 1024)));
        }
      }
      case "chunk" -> {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n") + 4;
        reads.add(Arrays.copyOfRange(answer, 0, headEnd));
        if (!text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
          reads.add(Arrays.copyOfRange(answer, headEnd, answer.length));
          break;
        }
        int from = headEnd;
        while (from < answer.length) {
          int lineEnd = text.indexOf("\r\n", from);
          int size = Integer.parseInt(text.substring(from, lineEnd), 16);
          int to = size == 0 ? answer.length : lineEnd + 2 + size + 2;
          reads.add(Arrays.copyOfRange(answer, from, to));
          from = to;
        }
      }
      default -> throw new IllegalArgumentException("split " + split);
    }
    return reads.toArray(byte[][]::new);
  }

  /** What the transport's response listener does on the I/O thread: frame SSE or keep bytes. */
  static final class Listener implements SseFramer.Sink {
    private @Nullable SseFramer framer;
    private byte[] body = new byte[4096];
    private int bodyLength;
    long bytes;
    boolean complete;

    void reset() {
      framer = null;
      bodyLength = 0;
      bytes = 0;
      complete = false;
    }

    void onResponseStart(int status, String contentType) {
      if (status < 300 && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        framer = new SseFramer(this);
      }
    }

    void onBody(ByteBuffer data, long nanos) {
      SseFramer f = framer;
      if (f != null) {
        f.feed(data, nanos);
      } else {
        int n = data.remaining();
        if (bodyLength + n > body.length) {
          body = Arrays.copyOf(body, Math.max(bodyLength + n, body.length * 2));
        }
        data.get(body, bodyLength, n);
        bodyLength += n;
        bytes += n;
      }
    }

    void onComplete(long nanos) {
      SseFramer f = framer;
      if (f != null) {
        f.finish(nanos);
      }
      complete = true;
    }

    @Override
    public void onMessage(@Nullable String event, byte[] data, @Nullable String comment,
        long nanos) {
      bytes += data.length;
    }
  }

  /** What the transport's handler does with its decoder's events. */
  static final class ClientHandler extends ChannelInboundHandlerAdapter
      implements Http1ResponseDecoder.Events {
    private final Listener listener;
    private final Http1ResponseDecoder decoder = new Http1ResponseDecoder(this);
    boolean keepAlive;

    ClientHandler(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf read = (ByteBuf) msg;
      try {
        decoder.decode(read);
      } finally {
        read.release();
      }
    }

    @Override
    public void onInterim(int status) {}

    @Override
    public void onResponse(int status, String contentType, boolean keepAlive) {
      this.keepAlive = keepAlive;
      listener.onResponseStart(status, contentType);
    }

    @Override
    public void onBody(ByteBuffer data) {
      listener.onBody(data, 1L);
    }

    @Override
    public void onEnd() {
      listener.onComplete(1L);
    }

    @Override
    public void onMalformed(String message) {
      throw new IllegalStateException(message);
    }
  }

  /** The transport's handler behind Netty's HttpResponseDecoder, as of 295431a. */
  static final class NettyClientHandler extends ChannelInboundHandlerAdapter {
    private final Listener listener;
    private boolean skippingInterim;
    boolean keepAlive;

    NettyClientHandler(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
          throw new IllegalStateException(http.decoderResult().cause());
        }
        if (msg instanceof HttpResponse response) {
          int status = response.status().code();
          if (status >= 100 && status < 200 && status != 101) {
            skippingInterim = !(msg instanceof LastHttpContent);
            return;
          }
          keepAlive = HttpUtil.isKeepAlive(response);
          listener.onResponseStart(status,
              response.headers().get(HttpHeaderNames.CONTENT_TYPE, ""));
        } else if (skippingInterim) {
          if (msg instanceof LastHttpContent) {
            skippingInterim = false;
          }
          return;
        }
        if (msg instanceof HttpContent content) {
          ByteBuf buf = content.content();
          if (buf.isReadable()) {
            listener.onBody(buf.nioBuffer(), 1L);
          }
          if (msg instanceof LastHttpContent) {
            listener.onComplete(1L);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
