package io.aiperf.engine.internal.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameStream;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One HTTP/2 connection and the streams it carries; touched only by its loop. */
final class Http2Connection implements TimingHandler.Reads {
  /** Set as soon as the connection is opened, before anything is sent on it. */
  private @Nullable Channel channel;
  /** Routes this connection's frames; added to its pipeline when the channel is set up. */
  final Http2ClientHandler handler;
  /** The TCP connection is up. */
  boolean connected;
  /** The server's SETTINGS arrived: streams may be opened. */
  boolean ready;
  /** No new streams: the server sent GOAWAY, or the connection is closing. */
  boolean draining;
  /** Streams this connection may carry at once. */
  int limit = NettyHttp2Transport.STREAMS_PER_CONNECTION;
  /** Requests assigned to it: waiting for the connection, or streams open. */
  int assigned;
  final ArrayDeque<Http2Exchange> waiting = new ArrayDeque<>();
  final Map<Http2FrameStream, Http2Exchange> streams = new IdentityHashMap<>();
  long lastReadNanos;
  long readSeq;
  /** Streams above this id were not processed by the server (its GOAWAY). */
  int goAwayLastStreamId = Integer.MAX_VALUE;

  /** A connection about to be opened; its frames drive {@code streams}, on its loop. */
  Http2Connection(Http2ClientHandler.Streams streams) {
    this.handler = new Http2ClientHandler(this, streams);
  }

  void opened(Channel channel) {
    this.channel = channel;
  }

  /** The connection's channel: only used once it was opened. */
  Channel channel() {
    return Objects.requireNonNull(channel, "set when the connection was opened");
  }

  @Override
  public void onRead(long now, Object msg) {
    lastReadNanos = now;
    readSeq++;
  }
}
