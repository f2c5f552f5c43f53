package io.aiperf.engine.internal.service;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that answers every request at once with canned OpenAI bytes: a stream
 * of {@code tokens} chunks (one write each, spaced, as a server generating them) and a usage
 * chunk, or one JSON body. Each choice carries both {@code delta.content} (chat) and {@code text} (completions),
 * so either endpoint parses it. Only for warming the client up: it never sees a real run.
 */
final class CannedServer implements AutoCloseable {
  private static final long EVENT_SPACING_MICROS = 200;
  private final EventLoopGroup group;
  private final Channel channel;
  private final byte[][] events;
  private final byte[] body;

  private CannedServer(int tokens) throws InterruptedException {
    events = new byte[tokens + 2][];
    for (int i = 0; i < tokens; i++) {
      events[i] = ascii("data: {\"id\":\"warmup\",\"object\":\"chat.completion.chunk\",\"created\":0,"
          + "\"model\":\"warmup\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok" + i
          + "\"},\"text\":\" tok" + i + "\",\"finish_reason\":null}]}\n\n");
    }
    events[tokens] = ascii("data: {\"id\":\"warmup\",\"object\":\"chat.completion.chunk\","
        + "\"created\":0,\"model\":\"warmup\",\"choices\":[],\"usage\":{\"prompt_tokens\":16,"
        + "\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (tokens + 16) + "}}\n\n");
    events[tokens + 1] = ascii("data: [DONE]\n\n");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      text.append(" tok").append(i);
    }
    body = ascii("{\"id\":\"warmup\",\"object\":\"chat.completion\",\"created\":0,\"model\":"
        + "\"warmup\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text + "\"},\"text\":\"" + text + "\",\"finish_reason\":\"stop\"}],\"usage\":{"
        + "\"prompt_tokens\":16,\"completion_tokens\":" + tokens + ",\"total_tokens\":"
        + (tokens + 16) + "}}");
    group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "aiperf-warmup-server");
      t.setDaemon(true);
      return t;
    }, NioIoHandler.newFactory());
    channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("codec", new HttpServerCodec());
            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(16 << 20));
            ch.pipeline().addLast("server", new Answer());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  /** Starts a server on an OS-chosen loopback port. */
  static CannedServer start(int tokens) throws InterruptedException {
    return new CannedServer(tokens);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
  String url() {
    InetSocketAddress a = (InetSocketAddress) channel.localAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean stream = request.content().toString(StandardCharsets.UTF_8)
          .replace(" ", "").contains("\"stream\":true");
      if (!stream) {
        ByteBuf content = Unpooled.wrappedBuffer(body);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        ctx.writeAndFlush(r);
        return;
      }
      DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ctx.writeAndFlush(head);
      writeFrom(ctx, 0);
    }

    /**
     * Writes one event and schedules the next: events written back to back arrive in one read,
     * and the per-read path of the client (decoder, framer, stamps) would stay cold while a real
     * server's answer takes one read per token. Netty's NIO timers fire on a millisecond grid.
     */
    private void writeFrom(ChannelHandlerContext ctx, int i) {
      if (!ctx.channel().isActive()) {
        return;
      }
      if (i == events.length) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return;
      }
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(events[i])));
      ctx.executor().schedule(() -> writeFrom(ctx, i + 1), EVENT_SPACING_MICROS,
          TimeUnit.MICROSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
