package io.aiperf.engine.internal.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameStream;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/** One HTTP/2 connection and the streams it carries; touched only by its loop. */
final class Http2Connection implements TimingHandler.Reads {
  Channel channel;
  Http2ClientHandler handler;
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

  @Override
  public void onRead(long now, Object msg) {
    lastReadNanos = now;
    readSeq++;
  }
}
