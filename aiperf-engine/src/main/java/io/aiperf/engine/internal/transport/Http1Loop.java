package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.NanoClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop of {@link NettyHttpTransport}: its keep-alive connections, idle and busy, and
 * the requests waiting for one. Every method runs on that loop, so the pool needs no locks.
 */
final class Http1Loop {
  // The transport's category: one logger to turn on for everything its requests go through.
  private static final Logger log = LoggerFactory.getLogger(NettyHttpTransport.class);

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
  private final NanoClock clock;
  private final Target target;

  /** {@code ssl}: null for plain HTTP. */
  Http1Loop(IoThreads threads, EventLoop eventLoop, Duration connectTimeout, int maxConnections,
      Target target, @Nullable SslContext ssl, NanoClock clock) {
    this.eventLoop = eventLoop;
    this.maxConnections = maxConnections;
    this.target = target;
    this.clock = clock;
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
            ch.pipeline().addLast("client", new Http1ClientHandler(connection, Http1Loop.this, ch));
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
      ChannelFuture connect = openConnection();
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

  /** Starts opening a connection, counted as open until it closes or fails. */
  private ChannelFuture openConnection() {
    lag.connecting();
    open++;
    ChannelFuture connect = target.connect(bootstrap, opened++);
    connect.channel().closeFuture().addListener(c -> connectionGone());
    return connect;
  }

  private void connect(Http1Exchange exchange) {
    exchange.connecting = true;
    exchange.connectStartNanos = clock.nanoTime();
    exchange.dnsLookupNanos = target.claimLookupNanos();
    ChannelFuture connect = openConnection();
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
    Http1Connection connection = channel.pipeline().get(Http1ClientHandler.class).connection;
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
    channel.pipeline().get(Http1ClientHandler.class).connection.exchange = null;
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
    channel.pipeline().get(Http1ClientHandler.class).connection.exchange = null;
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
      Http1Exchange exchange = channel.pipeline().get(Http1ClientHandler.class).connection.exchange;
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
