package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.netty.handler.codec.http2.Http2FrameStream;

/** One request in flight; lives on its loop. */
final class Http2Exchange extends TimedExchange {
  final Request request;
  Http2Connection conn;
  Http2FrameStream stream;
  /** A final (non-1xx) status arrived. */
  boolean headersDone;
  boolean retried;
  /** The connection read that last carried a frame of this stream, to count reads. */
  long lastReadSeq = -1;

  Http2Exchange(Request request, ResponseListener listener) {
    super(listener, request.timeout().toNanos());
    this.request = request;
  }
}
