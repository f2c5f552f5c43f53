package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Options;
import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
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
 *   <li>Keep-alive connections are pooled per event loop and touched only by that loop, so the pool
 *       needs no locks. Time spent getting a connection is reported apart from the request.
 * </ul>
 */
final class NettyHttpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(NettyHttpTransport.class);
  private static final String USER_AGENT = "aiperf-java/0.1.0";

  private final NanoClock clock;
  private final EventLoopGroup group;
  private final Loop[] loops;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String basePath;
  private final String fixedHeaders;
  private final SslContext ssl;
  private final Class<? extends SocketChannel> channelType;
  private final Map<String, byte[]> requestPrefixes = new ConcurrentHashMap<>();

  NettyHttpTransport(Options options, NanoClock clock) {
    this.clock = clock;
    URI uri = options.baseUri();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    this.hostHeader = (host.contains(":") ? "[" + host + "]" : host)
        + (uri.getPort() > 0 ? ":" + port : "");
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    StringBuilder headers = new StringBuilder();
    options.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append("\r\n"));
    this.fixedHeaders = headers.toString();
    try {
      this.ssl = https ? SslContextBuilder.forClient().build() : null;
    } catch (SSLException e) {
      throw new IllegalStateException("Cannot set up TLS for " + uri + ": " + e.getMessage(), e);
    }
    int threads = Math.max(1, options.ioThreads());
    // Native epoll where available: fewer syscalls and copies per read than NIO.
    boolean epoll = Epoll.isAvailable();
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.group = new MultiThreadIoEventLoopGroup(threads, new DaemonThreads("aiperf-io"),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.loops = new Loop[threads];
    int i = 0;
    for (var executor : group) {
      loops[i++] = new Loop((EventLoop) executor, options.connectTimeout());
    }
  }

  @Override
  public void send(Request request, ResponseListener listener) {
    byte[] prefix = requestPrefixes.computeIfAbsent(request.path(), this::prefixFor);
    byte[] body = request.body();
    byte[] tail = ("X-Request-ID: " + request.requestId() + "\r\nX-Correlation-ID: "
        + request.correlationId() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    Exchange exchange = new Exchange(Unpooled.wrappedBuffer(prefix, tail, body), listener,
        request.timeout().toNanos());
    Loop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    loop.eventLoop.execute(() -> loop.begin(exchange));
  }

  private byte[] prefixFor(String path) {
    String p = basePath + (path.startsWith("/") ? path : "/" + path);
    return ("POST " + p + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: " + USER_AGENT
        + "\r\nContent-Type: application/json\r\n" + fixedHeaders)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  /** One request in flight; lives on its connection's event loop. */
  private static final class Exchange {
    final ByteBuf request;
    final ResponseListener listener;
    final long timeoutNanos;
    long acquireStartNanos;
    ScheduledFuture<?> timeoutTask;
    boolean keepAlive = true;
    boolean done;

    Exchange(ByteBuf request, ResponseListener listener, long timeoutNanos) {
      this.request = request;
      this.listener = listener;
      this.timeoutNanos = timeoutNanos;
    }
  }

  /** Per-connection state shared by the timing and client handlers of one pipeline. */
  private static final class Connection {
    long lastReadNanos;
    Exchange exchange;
  }

  /** An event loop and its idle connections; every method runs on that loop. */
  private final class Loop {
    final EventLoop eventLoop;
    final Bootstrap bootstrap;
    final ArrayDeque<Channel> idle = new ArrayDeque<>();

    Loop(EventLoop eventLoop, Duration connectTimeout) {
      this.eventLoop = eventLoop;
      this.bootstrap = new Bootstrap()
          .group(eventLoop)
          .channel(channelType)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              Connection connection = new Connection();
              ch.pipeline().addLast("timing", new TimingHandler(connection, clock));
              if (ssl != null) {
                ch.pipeline().addLast("ssl", ssl.newHandler(ch.alloc(), host, port));
              }
              ch.pipeline().addLast("codec", new HttpResponseDecoder());
              ch.pipeline().addLast("client", new ClientHandler(connection, Loop.this));
            }
          });
    }

    void begin(Exchange exchange) {
      exchange.acquireStartNanos = clock.nanoTime();
      Channel channel;
      while ((channel = idle.pollLast()) != null) {
        if (channel.isActive()) {
          write(channel, exchange, 0, true);
          return;
        }
      }
      ChannelFuture connect = bootstrap.connect(host, port);
      connect.addListener(f -> {
        if (f.isSuccess()) {
          write(connect.channel(), exchange, clock.nanoTime() - exchange.acquireStartNanos, false);
        } else {
          exchange.request.release();
          exchange.done = true;
          exchange.listener.onError("ConnectionError", describeConnectFailure(f.cause()),
              clock.nanoTime());
        }
      });
    }

    private void write(Channel channel, Exchange exchange, long waitNanos, boolean reused) {
      Connection connection = channel.pipeline().get(ClientHandler.class).connection;
      connection.exchange = exchange;
      exchange.timeoutTask = eventLoop.schedule(() -> timeout(channel, exchange),
          exchange.timeoutNanos, TimeUnit.NANOSECONDS);
      long start = clock.nanoTime();
      exchange.listener.onRequestSent(waitNanos, reused, start);
      channel.writeAndFlush(exchange.request).addListener(f -> {
        if (!f.isSuccess()) {
          fail(channel, exchange, "ConnectionError",
              "Writing the request failed: " + describe(f.cause()));
        }
      });
    }

    private void timeout(Channel channel, Exchange exchange) {
      fail(channel, exchange, "Timeout", String.format(Locale.ROOT,
          "No complete response within the request timeout of %.3f s",
          exchange.timeoutNanos / 1e9));
    }

    void fail(Channel channel, Exchange exchange, String type, String message) {
      if (exchange.done) {
        return;
      }
      exchange.done = true;
      if (exchange.timeoutTask != null) {
        exchange.timeoutTask.cancel(false);
      }
      exchange.listener.onError(type, message, clock.nanoTime());
      channel.close();
    }

    void complete(Channel channel, Exchange exchange, long nanos) {
      if (exchange.done) {
        return;
      }
      exchange.done = true;
      exchange.timeoutTask.cancel(false);
      Connection connection = channel.pipeline().get(ClientHandler.class).connection;
      connection.exchange = null;
      exchange.listener.onComplete(nanos);
      if (exchange.keepAlive && channel.isActive()) {
        idle.addLast(channel);
      } else {
        channel.close();
      }
    }
  }

  /** Stamps every network read before anything parses it. */
  private static final class TimingHandler extends ChannelInboundHandlerAdapter {
    private final Connection connection;
    private final NanoClock clock;

    TimingHandler(Connection connection, NanoClock clock) {
      this.connection = connection;
      this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      connection.lastReadNanos = clock.nanoTime();
      ctx.fireChannelRead(msg);
    }
  }

  /** Hands decoded response pieces to the exchange's listener. */
  private static final class ClientHandler extends ChannelInboundHandlerAdapter {
    final Connection connection;
    private final Loop loop;

    ClientHandler(Connection connection, Loop loop) {
      this.connection = connection;
      this.loop = loop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        Exchange exchange = connection.exchange;
        if (exchange == null || exchange.done) {
          return;
        }
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
          loop.fail(ctx.channel(), exchange, "ResponseParseError",
              "Malformed HTTP response: " + describe(http.decoderResult().cause()));
          return;
        }
        if (msg instanceof HttpResponse response) {
          exchange.keepAlive = HttpUtil.isKeepAlive(response);
          String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
          exchange.listener.onResponseStart(response.status().code(), contentType,
              connection.lastReadNanos);
        }
        if (msg instanceof HttpContent content) {
          ByteBuf buf = content.content();
          if (buf.isReadable()) {
            exchange.listener.onBody(buf.nioBuffer(), connection.lastReadNanos);
          }
          if (msg instanceof LastHttpContent) {
            loop.complete(ctx.channel(), exchange, connection.lastReadNanos);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Exchange exchange = connection.exchange;
      if (exchange != null && !exchange.done) {
        loop.fail(ctx.channel(), exchange, "ConnectionClosed",
            "The server closed the connection before the response was complete");
      }
      loop.idle.remove(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = connection.exchange;
      if (exchange != null && !exchange.done) {
        loop.fail(ctx.channel(), exchange, "ConnectionError", describe(cause));
      } else {
        log.debug("Connection error outside a request: {}", describe(cause));
        ctx.close();
      }
    }
  }

  private String describeConnectFailure(Throwable cause) {
    String what = cause instanceof ConnectException ? "Cannot connect" : "Connection failed";
    return what + " to " + host + ":" + port + ": " + describe(cause);
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** Creates daemon I/O threads so a forgotten transport never keeps the JVM alive. */
  private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

}
