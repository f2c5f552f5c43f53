package io.aiperf.engine.internal.transport;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/** Per-connection state shared by the timing and client handlers of one pipeline. */
final class Http1Connection implements TimingHandler.Reads {
  long lastReadNanos;
  /** The request on this connection; null while it is idle. */
  @Nullable Http1Exchange exchange;

  @Override
  public void onRead(long now, Object msg) {
    lastReadNanos = now;
    Http1Exchange exchange = this.exchange;
    if (exchange != null && msg instanceof ByteBuf buf) {
      if (exchange.firstByteNanos == 0) {
        exchange.firstByteNanos = now;
      }
      exchange.bytesReceived += buf.readableBytes();
      exchange.reads++;
    }
  }
}
