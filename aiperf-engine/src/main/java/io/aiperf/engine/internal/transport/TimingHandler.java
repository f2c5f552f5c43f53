package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.NanoClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stamps every network read before anything parses it: first in the pipeline, before TLS, HTTP
 * decoding or SSE framing, so every piece decoded from one read carries that read's stamp.
 */
final class TimingHandler extends ChannelInboundHandlerAdapter {
  static final String NAME = "timing";

  /** What a connection keeps of each read; called on its event loop. */
  interface Reads {
    void onRead(long nanos, Object msg);
  }

  private final Reads reads;
  private final NanoClock clock;

  TimingHandler(Reads reads, NanoClock clock) {
    this.reads = reads;
    this.clock = clock;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reads.onRead(clock.nanoTime(), msg);
    ctx.fireChannelRead(msg);
  }
}
