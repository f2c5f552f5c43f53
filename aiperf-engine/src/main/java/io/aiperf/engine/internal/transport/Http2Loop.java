package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.engine.internal.NanoClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Why the dispatch, stream slots and connection life cycle stay in one class: they share state
// that only its event loop touches; split, that state would need package-private fields reached
// from several classes. Request headers (Http2RequestHeaders), frame routing (Http2ClientHandler)
// and ALPN (Http2Alpn) live apart.

/**
 * One event loop of {@link NettyHttp2Transport} and its connections, each carrying many streams.
 * Every method runs on that loop, so nothing here needs a lock; only the transport-wide switch to
 * HTTP/1.1 ({@link NettyHttp2Transport#http1}) is shared by the loops.
 */
final class Http2Loop implements Http2ClientHandler.Streams, Http2Alpn.Negotiated {
  // The transport's category: one logger to turn on for everything its requests go through.
  private static final Logger log = LoggerFactory.getLogger(NettyHttp2Transport.class);
  /** Per-stream receive window: a whole answer fits, so the server never waits for an update. */
  private static final int STREAM_WINDOW = 1 << 20;
  /** Connection receive window, raised at once from the 64 KiB default. */
  private static final int CONNECTION_WINDOW = 64 << 20;
  private static final AttributeKey<Http2Connection> CONN = AttributeKey.valueOf("aiperf.h2.conn");

  final EventLoop eventLoop;
  final Bootstrap bootstrap;
  final List<Http2Connection> conns = new ArrayList<>();
  /** Requests waiting because every connection is full and no more may be opened. */
  final ArrayDeque<Http2Exchange> pending = new ArrayDeque<>();
  final int maxConnections;
  long opened;
  final LoopLagProbe lag;
  final Http2Settings settings = Http2Settings.defaultSettings()
      .initialWindowSize(STREAM_WINDOW).pushEnabled(false);
  /** Holds the switch to HTTP/1.1 that every loop of the transport reads. */
  private final NettyHttp2Transport transport;
  private final NanoClock clock;
  private final Target target;
  private final Http2RequestHeaders requestHeaders;
  /** Null for h2c. */
  private final @Nullable SslContext ssl;

  Http2Loop(NettyHttp2Transport transport, EventLoop eventLoop, Duration connectTimeout,
      int maxConnections) {
    this.transport = transport;
    this.clock = transport.clock;
    this.target = transport.target;
    this.requestHeaders = transport.requestHeaders;
    this.ssl = transport.ssl;
    this.eventLoop = eventLoop;
    this.maxConnections = maxConnections;
    this.lag = new LoopLagProbe(eventLoop, clock);
    this.bootstrap = transport.threads.bootstrap(eventLoop, connectTimeout,
        new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Http2Connection conn = ch.attr(CONN).get();
            ch.pipeline().addLast(TimingHandler.NAME, new TimingHandler(conn, clock));
            SslContext tls = ssl;
            if (tls == null) {
              addHttp2(ch.pipeline(), conn);
            } else {
              ch.pipeline().addLast("ssl", tls.newHandler(ch.alloc(), target.host,
                  target.port));
              // Holds back what arrives with the handshake until the protocol is known.
              ch.pipeline().addLast("alpn", new Http2Alpn(conn, Http2Loop.this, clock));
            }
          }
        });
  }

  @Override
  public void h2(Http2Connection conn, io.netty.channel.ChannelPipeline pipeline) {
    addHttp2(pipeline, conn);
    prefaceSent(conn);
  }

  private void addHttp2(io.netty.channel.ChannelPipeline pipeline, Http2Connection conn) {
    // Beyond the server's stream limit the encoder queues streams instead of failing.
    pipeline.addLast("h2", Http2FrameCodecBuilder.forClient()
        .initialSettings(settings).encoderEnforceMaxConcurrentStreams(true)
        .validateHeaders(false).build());
    pipeline.addLast("client", conn.handler);
  }

  void begin(Http2Exchange exchange) {
    exchange.acquireStartNanos = clock.nanoTime();
    // The timeout bounds the whole exchange, waiting for a connection included.
    exchange.timeoutTask = eventLoop.schedule(() -> timeout(exchange), exchange.timeoutNanos,
        TimeUnit.NANOSECONDS);
    dispatch(exchange);
  }

  private void dispatch(Http2Exchange exchange) {
    if (transport.http1) {
      toHttp1(exchange);
      return;
    }
    for (int i = 0, n = conns.size(); i < n; i++) {
      Http2Connection conn = conns.get(i);
      if (!conn.draining && conn.assigned < conn.limit) {
        assign(conn, exchange, conn.ready);
        return;
      }
    }
    if (conns.size() < maxConnections) {
      assign(connect(), exchange, false);
    } else {
      exchange.queuedNanos = clock.nanoTime();
      pending.addLast(exchange);
    }
  }

  private void assign(Http2Connection conn, Http2Exchange exchange, boolean reused) {
    conn.assigned++;
    exchange.conn = conn;
    exchange.reused = reused;
    if (conn.ready) {
      write(conn, exchange);
    } else {
      exchange.connectStartNanos = clock.nanoTime();
      exchange.dnsLookupNanos = target.claimLookupNanos();
      conn.waiting.addLast(exchange);
    }
  }

  private Http2Connection connect() {
    lag.connecting();
    Http2Connection conn = new Http2Connection(this);
    conns.add(conn);
    Bootstrap b = bootstrap.clone().attr(CONN, conn);
    ChannelFuture connect = target.connect(b, opened++);
    Channel channel = connect.channel();
    conn.opened(channel);
    channel.closeFuture().addListener(c -> connectionGone(conn));
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        String message = ErrorMapping.connectFailure(f.cause(), target.host, target.port);
        conn.draining = true;
        Http2Exchange e;
        while ((e = conn.waiting.pollFirst()) != null) {
          release(e);
          if (!e.done) {
            notifyError(e, ErrorMapping.CONNECTION_ERROR, message);
          }
        }
        return;
      }
      long now = clock.nanoTime();
      conn.connected = true;
      for (Http2Exchange e : conn.waiting) {
        e.connectedNanos = now;
      }
      if (ssl == null) {
        prefaceSent(conn);
        return;
      }
      // The handshake comes first, then Alpn picks the protocol. A failed handshake fails
      // this promise before the connection closes, so the requests learn the real reason.
      channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
        if (!h.isSuccess()) {
          tlsFailed(conn, h.cause());
        }
      });
    });
    return conn;
  }

  /** The codec sent the preface: raise the connection window. */
  private void prefaceSent(Http2Connection conn) {
    conn.channel().writeAndFlush(
        new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - 65_535));
    // The requests wait for the server's SETTINGS (one round trip): it may allow fewer
    // streams than we would open, and a request stamped as sent must really be on the wire,
    // not queued in the codec until the SETTINGS arrive.
  }

  /** The server picked HTTP/1.1: this connection's requests, and all later ones, run so. */
  @Override
  public void http1(Http2Connection conn, String protocol) {
    if (!transport.http1) {
      transport.http1 = true;
      log.info("The server at {}:{} chose {} over h2 (ALPN): requests run as HTTP/1.1",
          target.host, target.port, protocol);
    }
    conn.draining = true;
    Http2Exchange e;
    while ((e = conn.waiting.pollFirst()) != null) {
      conn.assigned--;
      e.conn = null;
      toHttp1(e);
    }
    while ((e = pending.pollFirst()) != null) {
      toHttp1(e);
    }
    conn.channel().close();
  }

  /**
   * Sends a request again as HTTP/1.1; it starts over there (its wait for this connection is
   * not reported: nothing was sent yet).
   */
  private void toHttp1(Http2Exchange e) {
    if (e.done) {
      return;
    }
    e.done = true;
    e.cancelTimeout();
    Objects.requireNonNull(transport.fallback, "only TLS connections negotiate")
        .send(e.request, e.listener);
  }

  private void tlsFailed(Http2Connection conn, Throwable cause) {
    conn.draining = true;
    String type = ErrorMapping.tlsFailureType(cause);
    String message = ErrorMapping.tlsFailure(cause, target.host, target.port);
    Http2Exchange e;
    while ((e = conn.waiting.pollFirst()) != null) {
      release(e);
      if (!e.done) {
        notifyError(e, type, message);
      }
    }
  }

  /** The server's SETTINGS arrived: the waiting requests go out, up to its stream limit. */
  @Override
  public void settingsReceived(Http2Connection conn) {
    if (conn.ready) {
      return;
    }
    conn.ready = true;
    int sent = 0;
    Http2Exchange e;
    while ((e = conn.waiting.pollFirst()) != null) {
      if (e.done) {
        continue;
      }
      if (sent < conn.limit) {
        sent++;
        write(conn, e);
      } else {
        // The server allows fewer streams than were waiting: the rest go elsewhere.
        conn.assigned--;
        e.conn = null;
        dispatch(e);
      }
    }
    conn.assigned = sent;
    conn.channel().flush();
  }

  private void write(Http2Connection conn, Http2Exchange exchange) {
    Http2FrameStream stream = conn.handler.newStream();
    exchange.stream = stream;
    conn.streams.put(stream, exchange);
    Request request = exchange.request;
    Http2Headers headers = requestHeaders.of(request);
    byte[] body = request.body();
    exchange.bytesSent = body.length;
    exchange.writes = body.length == 0 ? 1 : 2; // a HEADERS frame, then one DATA frame
    long start = clock.nanoTime();
    exchange.writeStartNanos = start;
    exchange.listener.onRequestSent(start - exchange.acquireStartNanos, exchange.reused, start);
    Channel channel = conn.channel();
    channel.write(new DefaultHttp2HeadersFrame(headers, body.length == 0).stream(stream));
    ChannelFuture last = body.length == 0 ? channel.newSucceededFuture()
        : channel.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true)
            .stream(stream));
    if (conn.waiting.isEmpty()) {
      channel.flush();
    }
    last.addListener(f -> {
      exchange.writeDoneNanos = clock.nanoTime();
      if (!f.isSuccess()) {
        fail(exchange, ErrorMapping.CONNECTION_ERROR, ErrorMapping.writeFailed(f.cause()),
            true);
      } else if (request.cancelAfterNanos() >= 0) {
        // AIPerf counts the cancellation delay from the moment the request is fully sent.
        eventLoop.schedule(() -> {
          if (!exchange.done && exchange.stream == stream) {
            fail(exchange, ErrorMapping.CANCELLED,
                ErrorMapping.cancelledAfterSend(request.cancelAfterNanos()), true);
          }
        }, request.cancelAfterNanos(), TimeUnit.NANOSECONDS);
      }
    });
  }

  private void timeout(Http2Exchange exchange) {
    if (pending.remove(exchange)) {
      exchange.conn = null;
    }
    fail(exchange, ErrorMapping.TIMEOUT, ErrorMapping.timedOut(exchange.timeoutNanos), true);
  }

  /** Frees the exchange's stream slot and hands it to the oldest waiting request. */
  private void release(Http2Exchange exchange) {
    Http2Connection conn = exchange.conn;
    if (conn == null) {
      return;
    }
    exchange.conn = null;
    conn.assigned--;
    if (exchange.stream != null) {
      conn.streams.remove(exchange.stream);
    }
    conn.waiting.remove(exchange);
    if (!conn.draining && conn.ready && conn.assigned < conn.limit) {
      Http2Exchange next = pending.pollFirst();
      if (next != null) {
        conn.assigned++;
        next.conn = conn;
        next.reused = true;
        write(conn, next);
        conn.channel().flush();
      }
    }
  }

  /**
   * Ends an exchange with an error. {@code reset}: the stream may still be open, so tell the
   * server to stop (RST_STREAM CANCEL) instead of reading an answer nobody waits for.
   */
  @Override
  public void fail(Http2Exchange exchange, String type, String message, boolean reset) {
    if (exchange.done) {
      return;
    }
    Http2Connection conn = exchange.conn;
    Http2FrameStream stream = exchange.stream;
    // Released first: the reset closes the stream at once, and that event must not find it.
    release(exchange);
    exchange.stream = null;
    if (reset && conn != null && stream != null && conn.channel().isActive()
        && stream.state() != Http2Stream.State.CLOSED && stream.id() > 0) {
      conn.channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream));
    }
    boolean notProcessed = type.equals(ErrorMapping.CONNECTION_CLOSED)
        && !exchange.responseStarted
        && conn != null && (exchange.reused || (stream != null
            && stream.id() > conn.goAwayLastStreamId));
    if (notProcessed && !exchange.retried) {
      // The server closed a connection it had been keeping, or refused the stream in its
      // GOAWAY, before answering: not its answer to this request. Send it again, once.
      exchange.retried = true;
      log.debug("Retrying a request on another connection after: {}", message);
      dispatch(exchange);
      Http2Connection retryConn = exchange.conn;
      if (retryConn != null && retryConn.ready) {
        retryConn.channel().flush();
      }
      return;
    }
    notifyError(exchange, type, message);
  }

  @Override
  public void complete(Http2Exchange exchange, long nanos) {
    if (exchange.done) {
      return;
    }
    exchange.done = true;
    exchange.cancelTimeout();
    release(exchange);
    exchange.notifyComplete(nanos);
  }

  /** The connection closed or never opened: its streams end, waiting requests may reuse it. */
  private void connectionGone(Http2Connection conn) {
    conn.draining = true;
    conns.remove(conn);
    Http2Exchange waiting;
    // Before the TCP connection is up, the connect listener reports the failure instead.
    while (conn.connected && (waiting = conn.waiting.pollFirst()) != null) {
      waiting.conn = null;
      if (!waiting.done) {
        notifyError(waiting, ErrorMapping.CONNECTION_ERROR, "The server at " + target.host
            + ":" + target.port + " closed the connection before sending its HTTP/2 SETTINGS"
            + (ssl != null ? "" : ": does it speak h2c with prior knowledge? (h2c:// URLs"
                + " send HTTP/2 from the first byte)"));
      }
    }
    for (Http2Exchange e : new ArrayList<>(conn.streams.values())) {
      fail(e, ErrorMapping.CONNECTION_CLOSED, ErrorMapping.CLOSED_BEFORE_COMPLETE, false);
    }
    Http2Exchange next = pending.pollFirst();
    if (next != null) {
      dispatch(next);
      Http2Connection nextConn = next.conn;
      if (nextConn != null && nextConn.ready) {
        nextConn.channel().flush();
      }
    }
  }

  void cancelAll(String reason) {
    Http2Exchange waiting;
    while ((waiting = pending.pollFirst()) != null) {
      notifyError(waiting, ErrorMapping.CANCELLED, reason);
    }
    for (Http2Connection conn : new ArrayList<>(conns)) {
      for (Http2Exchange e : new ArrayList<>(conn.waiting)) {
        fail(e, ErrorMapping.CANCELLED, reason, false);
      }
      for (Http2Exchange e : new ArrayList<>(conn.streams.values())) {
        fail(e, ErrorMapping.CANCELLED, reason, true);
      }
    }
  }

  private void notifyError(Http2Exchange exchange, String type, String message) {
    exchange.notifyError(type, message, clock);
  }
}
