package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.Options;
import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/2 over cleartext TCP with prior knowledge (h2c, RFC 9113 section 3.3), for {@code h2c://}
 * URLs: the client sends the connection preface at once, no HTTP/1.1 upgrade. Or HTTP/2 over TLS
 * for {@code https://} URLs (through {@link AlpnTransport}): the handshake offers h2 by ALPN, and
 * the preface goes out once the server picked it; a connection where it picked http/1.1 hands its
 * requests, and every later one, to HTTP/1.1.
 *
 * <ul>
 *   <li>Many streams share one connection, so a run holds tens of thousands of requests open on a
 *       few hundred sockets, below per-process open-file limits that HTTP/1.1 would exceed.
 *   <li>Connections belong to one event loop each ({@link Http2Loop}) and are touched only by
 *       it: no locks. A request takes the first connection of its loop with a free stream slot; a
 *       new connection is opened when all are full ({@link #STREAMS_PER_CONNECTION}, or fewer if
 *       the server's SETTINGS_MAX_CONCURRENT_STREAMS says so). Requests on a new connection wait
 *       for the server's SETTINGS, like a TLS handshake: that wait is connection time, and the
 *       start stamp is taken when the request really goes out.
 *   <li>One frame codec per connection and a map from stream to request, not a child channel per
 *       stream: a stream costs a map entry and the codec's stream state.
 *   <li>As in {@link NettyHttpTransport}, a timing handler first in the pipeline stamps each
 *       network read before the frames are decoded; every frame decoded from it carries that
 *       stamp. Timeouts and cancellations reset just their stream (RST_STREAM CANCEL).
 * </ul>
 */
final class NettyHttp2Transport implements Transport {
  /** Streams opened on one connection before another is opened. */
  static final int STREAMS_PER_CONNECTION =
      Integer.getInteger("aiperf.h2.streamsPerConnection", 1_000);

  // Read by each Http2Loop once, when it is made.
  final NanoClock clock;
  final IoThreads threads;
  final Target target;
  final Http2RequestHeaders requestHeaders;
  /** Null for h2c. */
  final @Nullable SslContext ssl;
  /** Where requests go once a server picked http/1.1 by ALPN; null for h2c. */
  final @Nullable Http1Fallback fallback;
  /**
   * A server picked http/1.1: every request from now on, on any loop, is handed to {@link
   * #fallback}. Set and read by the loops.
   */
  volatile boolean http1;
  private final Http2Loop[] loops;
  private final AtomicInteger nextLoop = new AtomicInteger();

  /** Takes requests that are to run as HTTP/1.1 from now on. */
  interface Http1Fallback {
    void send(Request request, ResponseListener listener);
  }

  /** HTTP/2 with prior knowledge (h2c). */
  NettyHttp2Transport(Options options, NanoClock clock) {
    this(options, clock, null, null);
  }

  /**
   * HTTP/2 over TLS when {@code ssl} is given (it must offer h2 by ALPN), requests going to
   * {@code fallback} once a server picks http/1.1.
   */
  NettyHttp2Transport(Options options, NanoClock clock, @Nullable SslContext ssl,
      @Nullable Http1Fallback fallback) {
    this.clock = clock;
    this.ssl = ssl;
    this.fallback = fallback;
    this.target = new Target(options, ssl == null ? 80 : 443, clock);
    this.requestHeaders = new Http2RequestHeaders(target, ssl != null, options.headers());
    this.threads = new IoThreads(options.ioThreads(), "aiperf-h2", options.realtimeIo());
    // The connection cap counts connections, as for HTTP/1.1; each carries many streams.
    int perLoop = threads.perLoop(options.maxConnections());
    this.loops = threads.eventLoops().stream()
        .map(e -> new Http2Loop(this, e, options.connectTimeout(), perLoop))
        .toArray(Http2Loop[]::new);
  }

  @Override
  public void send(Request request, ResponseListener listener) {
    Http2Loop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    loop.eventLoop.execute(() -> loop.begin(new Http2Exchange(request, listener)));
  }

  @Override
  public void cancelInFlight(String reason) {
    for (Http2Loop loop : loops) {
      loop.eventLoop.execute(() -> loop.cancelAll(reason));
    }
  }

  @Override
  public java.util.Optional<TransportProvider.LoopLag> loopLag() {
    return LoopLagProbe.combined(java.util.Arrays.stream(loops).map(l -> l.lag).toList());
  }

  @Override
  public void restartLoopLag() {
    LoopLagProbe.restart(java.util.Arrays.stream(loops).map(l -> l.lag).toList());
  }

  @Override
  public void close() {
    threads.close();
  }
}
