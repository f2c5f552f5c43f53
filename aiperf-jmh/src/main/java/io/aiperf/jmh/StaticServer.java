package io.aiperf.jmh;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A static HTTP/1.1 server that answers every request with canned bytes, to measure a load
 * generator's own ceiling ({@code bench/vs-wrk.sh} runs wrk and aiperf against it side by side).
 *
 * <p>It parses the request (method and path are not looked at) and writes one of two complete
 * responses built at start-up (see {@link CannedAnswers}): the streamed one when the body asks
 * for {@code "stream":true}, the plain chat completion otherwise. Connections are kept alive
 * unless the client says {@code Connection: close}. Nothing is computed per request, so the
 * server costs the same whichever client drives it.
 *
 * <p>Usage: {@code java -cp aiperf-jmh/target/benchmarks.jar io.aiperf.jmh.StaticServer
 * [--host 127.0.0.1] [--port 0] [--tokens 200] [--threads N]}; it prints
 * {@code static server listening on http://HOST:PORT} and runs until the process is stopped.
 */
public final class StaticServer {
  private static final ByteBuf STREAM_TRUE = ascii("\"stream\":true");
  private static final ByteBuf STREAM_TRUE_SPACED = ascii("\"stream\": true");
  private static final int MAX_REQUEST_BYTES = 16 << 20;

  private StaticServer() {}

  private static ByteBuf ascii(String s) {
    return Unpooled.unreleasableBuffer(
        Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII)).asReadOnly());
  }

  /**
   * Starts the server and blocks until the JVM shuts down (SIGTERM, Ctrl+C).
   *
   * @param args {@code --host H}, {@code --port N} (0: any free port), {@code --tokens N} (words
   *     per answer, default 200), {@code --threads N} (I/O threads, default one per processor)
   * @throws InterruptedException if interrupted while waiting for the bind
   */
  @SuppressForbidden(reason = "the server's own command line prints its address for the script")
  public static void main(String[] args) throws InterruptedException {
    String host = "127.0.0.1";
    int port = 0;
    int tokens = 200;
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--tokens" -> tokens = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("static server: unknown option " + args[i]
              + "; valid: --host, --port, --tokens, --threads");
          System.exit(2);
        }
      }
    }
    if (args.length % 2 != 0) {
      System.err.println("static server: " + args[args.length - 1] + " needs a value");
      System.exit(2);
    }
    CannedAnswers answers = new CannedAnswers(tokens);
    Handler handler = new Handler(answers);
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        new DefaultThreadFactory("static-server", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpRequestDecoder(),
                new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
          }
        })
        .bind(host, port).sync().channel();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close().awaitUninterruptibly();
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS)
          .awaitUninterruptibly();
      stopped.countDown();
    }, "static-server-shutdown"));
    InetSocketAddress bound = (InetSocketAddress) server.localAddress();
    System.out.println("static server listening on http://" + bound.getHostString() + ":"
        + bound.getPort() + " (" + tokens + " tokens per answer, " + threads + " I/O threads, "
        + (epoll ? "epoll" : "nio") + ")");
    System.out.flush();
    stopped.await();
  }

  /** Writes the canned answer; shared by every connection, it keeps no state. */
  @ChannelHandler.Sharable
  static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ByteBuf completion;
    private final ByteBuf completionClose;
    private final ByteBuf stream;
    private final ByteBuf streamClose;

    Handler(CannedAnswers answers) {
      completion = canned(answers.completion(false));
      completionClose = canned(answers.completion(true));
      stream = canned(answers.stream(false));
      streamClose = canned(answers.stream(true));
    }

    private static ByteBuf canned(byte[] bytes) {
      // Direct and never released: each write sends a duplicate straight from it.
      return Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ByteBuf body = request.content();
      boolean streamed = ByteBufUtil.indexOf(STREAM_TRUE, body) >= 0
          || ByteBufUtil.indexOf(STREAM_TRUE_SPACED, body) >= 0;
      if (HttpUtil.isKeepAlive(request)) {
        ctx.write((streamed ? stream : completion).duplicate(), ctx.voidPromise());
      } else {
        ctx.writeAndFlush((streamed ? streamClose : completionClose).duplicate())
            .addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      // One flush per read: requests that arrived together leave in one write system call.
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
