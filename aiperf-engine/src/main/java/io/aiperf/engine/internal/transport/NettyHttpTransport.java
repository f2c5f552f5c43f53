package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.Options;
import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 client on Netty, built for measurement.
 *
 * <ul>
 *   <li>Requests are written as pre-encoded bytes (request line, headers, body), so nothing is
 *       encoded between the start stamp and the socket write.
 *   <li>A "timing" handler first in the pipeline stamps each network read once, before TLS, HTTP
 *       decoding or SSE framing; every piece decoded from that read carries that stamp.
 *   <li>Responses are decoded by {@link Http1ResponseDecoder} straight from the read's buffer: a
 *       streamed chunk reaches the listener with no message object or buffer slice made for it.
 *   <li>Keep-alive connections are pooled per event loop and touched only by that loop, so the pool
 *       needs no locks. Getting a connection (TCP connect and TLS handshake included) is reported
 *       apart from the request; the start stamp is taken when the connection is ready to write.
 *   <li>A reused connection that the server closed while idle is retried once on a new connection
 *       before any response byte arrived, so keep-alive races are not reported as server errors.
 * </ul>
 */
final class NettyHttpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(NettyHttpTransport.class);
  private static final String USER_AGENT = "aiperf-java/0.1.0";

  private final NanoClock clock;
  private final IoThreads threads;
  private final Loop[] loops;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final Target target;
  private final String fixedHeaders;
  private final String contentType;
  /** Null for plain HTTP. */
  private final @Nullable SslContext ssl;
  private final Map<String, byte[]> requestPrefixes = new ConcurrentHashMap<>();

  NettyHttpTransport(Options options, NanoClock clock) {
    this.clock = clock;
    URI uri = options.baseUri();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    this.target = new Target(options, https ? 443 : 80, clock);
    StringBuilder headers = new StringBuilder();
    options.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append("\r\n"));
    this.fixedHeaders = headers.toString();
    // A format with its own body type (a multipart upload) names it; JSON otherwise.
    this.contentType = Target.namesContentType(options.headers()) ? ""
        : "Content-Type: application/json\r\n";
    // Offers http/1.1 only: with HTTP/2 asked for, AlpnTransport sends here once the server
    // picked http/1.1, and new connections need not offer h2 again.
    this.ssl = https ? ClientTls.context(uri, options.tls(), false) : null;
    this.threads = new IoThreads(options.ioThreads(), "aiperf-io", options.realtimeIo());
    int perLoop = threads.perLoop(options.maxConnections());
    this.loops = threads.eventLoops().stream()
        .map(e -> new Loop(e, options.connectTimeout(), perLoop)).toArray(Loop[]::new);
  }

  /** The fixed bytes of the per-request header lines: names, separators and the blank line. */
  private static final int REQUEST_TAIL_BYTES =
      "X-Request-ID: \r\nX-Correlation-ID: \r\nContent-Length: \r\n\r\n".length();

  @Override
  public void send(Request request, ResponseListener listener) {
    // The caller is often the pacing thread: hand over at once, build the bytes on the loop.
    Loop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    loop.eventLoop.execute(() -> loop.begin(exchange(request, listener)));
  }

  private Http1Exchange exchange(Request request, ResponseListener listener) {
    byte[] prefix = requestPrefixes.computeIfAbsent(request.path(), this::prefixFor);
    byte[] body = request.body();
    String requestId = request.requestId();
    String correlationId = request.correlationId();
    String length = Integer.toString(body.length);
    // One pooled direct buffer: epoll writes it as it is, where a heap or composite buffer was
    // first copied into a direct one (through a merged heap copy), on the loop, per request.
    ByteBuf bytes = ByteBufAllocator.DEFAULT.directBuffer(prefix.length + REQUEST_TAIL_BYTES
        + requestId.length() + correlationId.length() + length.length() + body.length);
    bytes.writeBytes(prefix);
    bytes.writeCharSequence("X-Request-ID: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(requestId, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\nX-Correlation-ID: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(correlationId, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\nContent-Length: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(length, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\n\r\n", StandardCharsets.US_ASCII);
    bytes.writeBytes(body);
    Http1Exchange exchange = new Http1Exchange(bytes, listener, request.timeout().toNanos());
    exchange.cancelAfterNanos = request.cancelAfterNanos();
    return exchange;
  }

  private byte[] prefixFor(String path) {
    return ("POST " + target.path(path) + " HTTP/1.1\r\nHost: " + target.authority
        + "\r\nUser-Agent: " + USER_AGENT
        + "\r\n" + contentType + fixedHeaders)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public CompletionStage<Integer> preconnect(int connections) {
    List<CompletableFuture<Integer>> opening = new ArrayList<>(loops.length);
    for (int i = 0; i < loops.length; i++) {
      // Requests go to the loops in turn, so each gets its share of the connections.
      int share = connections / loops.length + (i < connections % loops.length ? 1 : 0);
      Loop loop = loops[i];
      CompletableFuture<Integer> opened = new CompletableFuture<>();
      loop.eventLoop.execute(() -> loop.preconnect(share, opened));
      opening.add(opened);
    }
    return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
        .thenApply(v -> opening.stream().mapToInt(CompletableFuture::join).sum());
  }

  @Override
  public void cancelInFlight(String reason) {
    for (Loop loop : loops) {
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

  /** An event loop, its idle connections and its busy ones; every method runs on that loop. */
  private final class Loop {
    final EventLoop eventLoop;
    final Bootstrap bootstrap;
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
    final Set<Channel> busy = new HashSet<>();
    /** Requests waiting for a connection, oldest first. */
    final ArrayDeque<Http1Exchange> pending = new ArrayDeque<>();
    final int maxConnections;
    /** Connections open or being opened. */
    int open;
    /** Connections opened so far: picks the next source address. */
    long opened;
    final LoopLagProbe lag;

    Loop(EventLoop eventLoop, Duration connectTimeout, int maxConnections) {
      this.eventLoop = eventLoop;
      this.maxConnections = maxConnections;
      this.lag = new LoopLagProbe(eventLoop, clock);
      this.bootstrap = threads.bootstrap(eventLoop, connectTimeout,
          new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              Http1Connection connection = new Http1Connection();
              ch.pipeline().addLast(TimingHandler.NAME, new TimingHandler(connection, clock));
              if (ssl != null) {
                ch.pipeline().addLast("ssl",
                    ssl.newHandler(ch.alloc(), target.host, target.port));
              }
              ch.pipeline().addLast("client", new ClientHandler(connection, Loop.this, ch));
            }
          });
    }

    void begin(Http1Exchange exchange) {
      exchange.acquireStartNanos = clock.nanoTime();
      // The timeout bounds the whole exchange, waiting for a connection included.
      exchange.timeoutTask = eventLoop.schedule(() -> timeout(exchange), exchange.timeoutNanos,
          TimeUnit.NANOSECONDS);
      dispatch(exchange);
    }

    private void dispatch(Http1Exchange exchange) {
      Channel channel;
      while ((channel = idle.pollLast()) != null) {
        if (channel.isActive()) {
          write(channel, exchange, clock.nanoTime() - exchange.acquireStartNanos, true);
          return;
        }
      }
      if (open < maxConnections) {
        connect(exchange);
      } else {
        exchange.queuedNanos = clock.nanoTime(); // blocked until a connection frees up
        pending.addLast(exchange);
      }
    }

    /**
     * Opens connections into the idle pool, up to the loop's cap, and completes with how many
     * opened (TLS handshake included) once every attempt has ended.
     */
    void preconnect(int count, CompletableFuture<Integer> done) {
      int wanted = Math.min(count, maxConnections - open);
      if (wanted <= 0) {
        done.complete(0);
        return;
      }
      int[] ended = {0};
      int[] ready = {0};
      Runnable attemptEnded = () -> {
        if (++ended[0] == wanted) {
          done.complete(ready[0]);
        }
      };
      for (int i = 0; i < wanted; i++) {
        lag.connecting();
        open++;
        ChannelFuture connect = target.connect(bootstrap, opened++);
        connect.channel().closeFuture().addListener(c -> connectionGone());
        connect.addListener(f -> {
          if (!f.isSuccess()) {
            attemptEnded.run();
            return;
          }
          Channel ch = connect.channel();
          SslHandler sslHandler = ch.pipeline().get(SslHandler.class);
          if (sslHandler == null) {
            ready[0]++;
            release(ch);
            attemptEnded.run();
            return;
          }
          sslHandler.handshakeFuture().addListener(h -> {
            if (h.isSuccess()) {
              ready[0]++;
              release(ch);
            } else {
              ch.close();
            }
            attemptEnded.run();
          });
        });
      }
    }

    /** A connection closed or failed to open: a waiting request may open a new one. */
    private void connectionGone() {
      open--;
      Http1Exchange next = pending.pollFirst();
      if (next != null) {
        dispatch(next);
      }
    }

    private void connect(Http1Exchange exchange) {
      lag.connecting();
      open++;
      exchange.connecting = true;
      exchange.connectStartNanos = clock.nanoTime();
      exchange.dnsLookupNanos = target.claimLookupNanos();
      ChannelFuture connect = target.connect(bootstrap, opened++);
      connect.channel().closeFuture().addListener(c -> connectionGone());
      connect.addListener(f -> {
        if (!f.isSuccess()) {
          exchange.connecting = false;
          exchange.dropRetryCopy();
          exchange.request.release();
          if (!exchange.done) {
            notifyError(exchange, ErrorMapping.CONNECTION_ERROR,
                ErrorMapping.connectFailure(f.cause(), target.host, target.port));
          }
          return;
        }
        Channel ch = connect.channel();
        exchange.connectedNanos = clock.nanoTime();
        SslHandler sslHandler = ch.pipeline().get(SslHandler.class);
        if (sslHandler == null) {
          connected(ch, exchange);
          return;
        }
        // The handshake belongs to getting a connection, not to the request's latency.
        sslHandler.handshakeFuture().addListener(h -> {
          if (h.isSuccess()) {
            exchange.tlsDoneNanos = clock.nanoTime();
            connected(ch, exchange);
          } else {
            exchange.connecting = false;
            exchange.dropRetryCopy();
            exchange.request.release();
            ch.close();
            if (!exchange.done) {
              notifyError(exchange, ErrorMapping.tlsFailureType(h.cause()),
                  ErrorMapping.tlsFailure(h.cause(), target.host, target.port));
            }
          }
        });
      });
    }

    private void connected(Channel ch, Http1Exchange exchange) {
      exchange.connecting = false;
      if (exchange.done) {
        // Timed out or cancelled while connecting: the connection serves the next request.
        exchange.request.release();
        release(ch);
        return;
      }
      write(ch, exchange, clock.nanoTime() - exchange.acquireStartNanos, false);
    }

    /** A connection is free: the oldest waiting request takes it, or it goes back to the pool. */
    private void release(Channel channel) {
      Http1Exchange next = pending.pollFirst();
      if (next != null) {
        write(channel, next, clock.nanoTime() - next.acquireStartNanos, true);
      } else {
        idle.addLast(channel);
      }
    }

    private void write(Channel channel, Http1Exchange exchange, long waitNanos, boolean reused) {
      Http1Connection connection = channel.pipeline().get(ClientHandler.class).connection;
      connection.exchange = exchange;
      busy.add(channel);
      if (reused && exchange.retryCopy == null && !exchange.responseStarted) {
        exchange.retryCopy = exchange.request.retainedDuplicate();
      }
      if (exchange.timeoutTask == null) {
        exchange.timeoutTask = eventLoop.schedule(() -> timeout(exchange), exchange.timeoutNanos,
            TimeUnit.NANOSECONDS);
      }
      exchange.currentChannel = channel;
      exchange.reused = reused;
      exchange.bytesSent = exchange.request.readableBytes();
      exchange.writes = 1; // one buffer: request line, headers and body together
      long start = clock.nanoTime();
      exchange.writeStartNanos = start;
      exchange.listener.onRequestSent(waitNanos, reused, start);
      channel.writeAndFlush(exchange.request).addListener(f -> {
        exchange.writeDoneNanos = clock.nanoTime();
        if (!f.isSuccess()) {
          fail(channel, exchange, ErrorMapping.CONNECTION_ERROR,
              ErrorMapping.writeFailed(f.cause()));
        } else if (exchange.cancelAfterNanos >= 0) {
          // AIPerf counts the cancellation delay from the moment the request is fully sent.
          eventLoop.schedule(() -> {
            if (!exchange.done && exchange.currentChannel == channel) {
              exchange.dropRetryCopy();
              fail(channel, exchange, ErrorMapping.CANCELLED,
                  ErrorMapping.cancelledAfterSend(exchange.cancelAfterNanos));
            }
          }, exchange.cancelAfterNanos, TimeUnit.NANOSECONDS);
        }
      });
    }

    private void timeout(Http1Exchange exchange) {
      if (pending.remove(exchange)) {
        exchange.request.release();
      }
      Channel channel = exchange.currentChannel;
      String message = ErrorMapping.timedOut(exchange.timeoutNanos);
      if (channel != null) {
        fail(channel, exchange, ErrorMapping.TIMEOUT, message);
      } else {
        exchange.done = true;
        notifyError(exchange, ErrorMapping.TIMEOUT, message);
      }
    }

    void fail(Channel channel, Http1Exchange exchange, String type, String message) {
      if (exchange.done) {
        return;
      }
      busy.remove(channel);
      channel.pipeline().get(ClientHandler.class).connection.exchange = null;
      channel.close();
      boolean connectionLost = ErrorMapping.connectionLost(type);
      if (connectionLost && exchange.retryCopy != null && !exchange.responseStarted) {
        // The server closed an idle keep-alive connection as we reused it: not the server's
        // answer to this request. Send it again, once, on a fresh connection.
        ByteBuf again = exchange.retryCopy;
        exchange.retryCopy = null;
        Http1Exchange retry = exchange.retryWith(again);
        log.debug("Retrying a request on a new connection after: {}", message);
        connect(retry);
        return;
      }
      exchange.done = true;
      exchange.dropRetryCopy();
      exchange.cancelTimeout();
      notifyError(exchange, type, message);
    }

    void complete(Channel channel, Http1Exchange exchange, long nanos) {
      if (exchange.done) {
        return;
      }
      exchange.done = true;
      exchange.cancelTimeout();
      busy.remove(channel);
      channel.pipeline().get(ClientHandler.class).connection.exchange = null;
      try {
        exchange.notifyComplete(nanos);
      } finally {
        if (exchange.keepAlive && channel.isActive()) {
          release(channel);
        } else {
          channel.close();
        }
      }
    }

    void cancelAll(String reason) {
      Http1Exchange waiting;
      while ((waiting = pending.pollFirst()) != null) {
        waiting.request.release();
        notifyError(waiting, ErrorMapping.CANCELLED, reason);
      }
      for (Channel channel : new ArrayList<>(busy)) {
        Http1Exchange exchange = channel.pipeline().get(ClientHandler.class).connection.exchange;
        if (exchange != null) {
          exchange.dropRetryCopy();
          fail(channel, exchange, ErrorMapping.CANCELLED, reason);
        }
      }
    }

    private void notifyError(Http1Exchange exchange, String type, String message) {
      exchange.notifyError(type, message, clock);
    }
  }

  /** Decodes the responses of a connection and hands each piece to its exchange's listener. */
  private static final class ClientHandler extends ChannelInboundHandlerAdapter
      implements Http1ResponseDecoder.Events {
    final Http1Connection connection;
    private final Loop loop;
    private final Channel channel;
    private final Http1ResponseDecoder decoder = new Http1ResponseDecoder(this);

    ClientHandler(Http1Connection connection, Loop loop, Channel channel) {
      this.connection = connection;
      this.loop = loop;
      this.channel = channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf read)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        decoder.decode(read);
      } finally {
        read.release();
      }
    }

    /** The exchange the decoded pieces belong to, or null if none is waiting for them. */
    private @Nullable Http1Exchange live() {
      Http1Exchange exchange = connection.exchange;
      if (exchange == null || exchange.done) {
        return null;
      }
      if (!exchange.responseStarted) {
        exchange.responseStarted = true;
        exchange.dropRetryCopy();
      }
      return exchange;
    }

    @Override
    public void onInterim(int status) {
      live(); // 100 Continue, 103 Early Hints: the response has started, the real one follows
    }

    @Override
    public void onResponse(int status, String contentType, boolean keepAlive) {
      Http1Exchange exchange = live();
      if (exchange != null) {
        exchange.keepAlive = keepAlive;
        exchange.listener.onResponseStart(status, contentType, connection.lastReadNanos);
      }
    }

    @Override
    public void onBody(ByteBuffer data) {
      Http1Exchange exchange = live();
      if (exchange != null) {
        exchange.listener.onBody(data, connection.lastReadNanos);
      }
    }

    @Override
    public void onEnd() {
      Http1Exchange exchange = live();
      if (exchange != null) {
        loop.complete(channel, exchange, connection.lastReadNanos);
      }
    }

    @Override
    public void onMalformed(String message) {
      Http1Exchange exchange = connection.exchange;
      if (exchange != null && !exchange.done) {
        loop.fail(channel, exchange, ErrorMapping.PARSE_ERROR,
            "Malformed HTTP response: " + message);
      } else {
        // The decoder ignores the rest of the connection: no request can be answered on it.
        log.debug("Malformed HTTP response outside a request: {}", message);
        channel.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      decoder.endOfInput();
      Http1Exchange exchange = connection.exchange;
      if (exchange != null && !exchange.done) {
        loop.fail(ctx.channel(), exchange, ErrorMapping.CONNECTION_CLOSED,
            ErrorMapping.CLOSED_BEFORE_COMPLETE);
      }
      loop.idle.remove(ctx.channel());
      loop.busy.remove(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Http1Exchange exchange = connection.exchange;
      if (exchange != null && !exchange.done) {
        loop.fail(ctx.channel(), exchange, ErrorMapping.CONNECTION_ERROR,
            ErrorMapping.describe(cause));
      } else {
        log.debug("Http1Connection error outside a request: {}", ErrorMapping.describe(cause));
        ctx.close();
      }
    }
  }
}
