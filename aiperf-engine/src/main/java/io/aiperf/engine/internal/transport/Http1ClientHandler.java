package io.aiperf.engine.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the responses of one HTTP/1.1 connection of {@link NettyHttpTransport} and hands each
 * piece to its exchange's listener; an ended or failed exchange goes back to its {@link Http1Loop}.
 * Runs on that loop, as every method it calls there.
 */
final class Http1ClientHandler extends ChannelInboundHandlerAdapter
    implements Http1ResponseDecoder.Events {
  // The transport's category: one logger to turn on for everything its requests go through.
  private static final Logger log = LoggerFactory.getLogger(NettyHttpTransport.class);

  final Http1Connection connection;
  private final Http1Loop loop;
  private final Channel channel;
  private final Http1ResponseDecoder decoder = new Http1ResponseDecoder(this);

  Http1ClientHandler(Http1Connection connection, Http1Loop loop, Channel channel) {
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
