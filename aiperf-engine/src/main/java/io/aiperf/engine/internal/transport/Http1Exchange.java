package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/** One request in flight; lives on its connection's event loop. */
final class Http1Exchange extends TimedExchange {
  final ByteBuf request;
  /** A second reference to the request bytes, kept while a retry is still possible. */
  @Nullable ByteBuf retryCopy;
  boolean keepAlive = true;
  boolean connecting;
  /** The connection it was written to; null while it waits for one. */
  @Nullable Channel currentChannel;
  long cancelAfterNanos = -1;

  Http1Exchange(ByteBuf request, ResponseListener listener, long timeoutNanos) {
    super(listener, timeoutNanos);
    this.request = request;
  }

  /** The same request for a new connection; its timeout starts again when it is written. */
  Http1Exchange retryWith(ByteBuf bytes) {
    Http1Exchange retry = new Http1Exchange(bytes, listener, timeoutNanos);
    retry.acquireStartNanos = acquireStartNanos;
    retry.cancelAfterNanos = cancelAfterNanos;
    retry.queuedNanos = queuedNanos;
    done = true;
    cancelTimeout();
    return retry;
  }

  void dropRetryCopy() {
    ByteBuf copy = retryCopy;
    if (copy != null) {
      copy.release();
      retryCopy = null;
    }
  }
}
