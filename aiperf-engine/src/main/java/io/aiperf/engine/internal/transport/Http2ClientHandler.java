package io.aiperf.engine.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes decoded frames to their stream's exchange. */
final class Http2ClientHandler extends Http2ChannelDuplexHandler {
  // Logs under the transport's name, where its connection errors have always been logged.
  private static final Logger log = LoggerFactory.getLogger(NettyHttp2Transport.class);

  /** What the frames of a connection drive on its loop. */
  interface Streams {
    /** Ends an exchange with an error; {@code reset}: tell the server to stop the stream. */
    void fail(Http2Exchange exchange, String type, String message, boolean reset);

    void complete(Http2Exchange exchange, long nanos);

    /** The server's SETTINGS arrived: the waiting requests may go out. */
    void settingsReceived(Http2Connection conn);
  }

  private final Http2Connection conn;
  private final Streams loop;

  Http2ClientHandler(Http2Connection conn, Streams loop) {
    this.conn = conn;
    this.loop = loop;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2DataFrame data) {
        onData(ctx, data);
      } else if (msg instanceof Http2HeadersFrame headers) {
        onHeaders(headers);
      } else if (msg instanceof Http2ResetFrame reset) {
        Http2Exchange e = conn.streams.get(reset.stream());
        if (e != null) {
          String message = "The server reset the stream (HTTP/2 error "
              + Http2Error.valueOf(reset.errorCode()) + ") before the response was complete";
          if (reset.errorCode() == Http2Error.REFUSED_STREAM.code() && !e.responseStarted) {
            // REFUSED_STREAM promises the request was not processed: safe to send again.
            e.reused = true;
          }
          loop.fail(e, ErrorMapping.CONNECTION_CLOSED, message, false);
        }
      } else if (msg instanceof Http2SettingsFrame settings) {
        Long max = settings.settings().maxConcurrentStreams();
        if (max != null) {
          conn.limit = (int) Math.max(1,
              Math.min(NettyHttp2Transport.STREAMS_PER_CONNECTION, max));
        }
        loop.settingsReceived(conn);
      } else if (msg instanceof Http2GoAwayFrame goAway) {
        conn.draining = true;
        conn.goAwayLastStreamId = goAway.lastStreamId();
        log.debug("The server is closing an HTTP/2 connection (GOAWAY {}, last stream {})",
            Http2Error.valueOf(goAway.errorCode()), goAway.lastStreamId());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private @Nullable Http2Exchange touched(Http2FrameStream stream, int bytes) {
    Http2Exchange e = conn.streams.get(stream);
    if (e == null || e.done) {
      return null;
    }
    if (e.firstByteNanos == 0) {
      e.firstByteNanos = conn.lastReadNanos;
    }
    e.bytesReceived += bytes;
    if (e.lastReadSeq != conn.readSeq) {
      e.lastReadSeq = conn.readSeq;
      e.reads++;
    }
    return e;
  }

  private void onHeaders(Http2HeadersFrame frame) {
    Http2Exchange e = touched(frame.stream(), 0);
    if (e == null) {
      return;
    }
    if (!e.headersDone) {
      CharSequence status = frame.headers().status();
      int code;
      try {
        code = status == null ? -1 : Integer.parseInt(status.toString());
      } catch (NumberFormatException ex) {
        code = -1;
      }
      if (code < 0) {
        loop.fail(e, ErrorMapping.PARSE_ERROR, "Malformed HTTP/2 response: no valid :status",
            true);
        return;
      }
      if (code >= 100 && code < 200) {
        return; // 100 Continue, 103 Early Hints: interim, the real response follows.
      }
      e.headersDone = true;
      e.responseStarted = true;
      CharSequence type = frame.headers().get(
          io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE);
      e.listener.onResponseStart(code, type == null ? "" : type.toString(),
          conn.lastReadNanos);
    }
    if (frame.isEndStream()) {
      loop.complete(e, conn.lastReadNanos);
    }
  }

  private void onData(ChannelHandlerContext ctx, Http2DataFrame frame) {
    int flowBytes = frame.initialFlowControlledBytes();
    if (flowBytes > 0) {
      // Hands the bytes back to flow control; the codec sends WINDOW_UPDATE when worthwhile.
      ctx.write(new DefaultHttp2WindowUpdateFrame(flowBytes).stream(frame.stream()));
    }
    ByteBuf buf = frame.content();
    Http2Exchange e = touched(frame.stream(), flowBytes);
    if (e == null) {
      return;
    }
    if (!e.headersDone) {
      loop.fail(e, ErrorMapping.PARSE_ERROR, "Malformed HTTP/2 response: DATA before HEADERS",
          true);
      return;
    }
    if (buf.isReadable()) {
      e.listener.onBody(buf.nioBuffer(), conn.lastReadNanos);
    }
    if (frame.isEndStream()) {
      loop.complete(e, conn.lastReadNanos);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush(); // window updates and resets written while reading
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent event
        && event.stream().state() == Http2Stream.State.CLOSED) {
      Http2Exchange e = conn.streams.get(event.stream());
      if (e != null && !e.done) {
        // Closed without an end of stream for us: the GOAWAY or a reset we did not see.
        loop.fail(e, ErrorMapping.CONNECTION_CLOSED,
            "The stream closed before the response was complete", false);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException streamError) {
      Http2Exchange e = conn.streams.get(streamError.stream());
      if (e != null) {
        loop.fail(e, ErrorMapping.PARSE_ERROR, "HTTP/2 stream error: "
            + ErrorMapping.describe(cause), true);
      }
      return;
    }
    // A connection error: closing fails every stream on it (ConnectionClosed would hide why).
    String message = ErrorMapping.describe(cause);
    for (Http2Exchange e : new ArrayList<>(conn.streams.values())) {
      loop.fail(e, ErrorMapping.CONNECTION_ERROR, message, false);
    }
    log.debug("HTTP/2 connection error: {}", message);
    ctx.close();
  }
}
