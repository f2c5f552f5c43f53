package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.netty.handler.codec.http2.Http2FrameStream;
import org.jspecify.annotations.Nullable;

/** One request in flight; lives on its loop. */
final class Http2Exchange extends TimedExchange {
  final Request request;
  /** The connection it is assigned to; null while it waits for one, and once it ended. */
  @Nullable Http2Connection conn;
  /** Its stream, once written; null again when it ended. */
  @Nullable Http2FrameStream stream;
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
