package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.NanoClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Picks a TLS connection's protocol once its handshake is done, holding back what arrives with
 * the handshake until the pipeline for that protocol is in place; runs on the connection's loop.
 */
final class Http2Alpn extends ApplicationProtocolNegotiationHandler {
  /** What the connection's transport does with each outcome. */
  interface Negotiated {
    /** The server picked h2: add the HTTP/2 handlers to the pipeline and start. */
    void h2(Http2Connection conn, ChannelPipeline pipeline);

    /** The server picked http/1.1 (or offered no ALPN): its requests run as HTTP/1.1. */
    void http1(Http2Connection conn, String protocol);
  }

  private final Http2Connection conn;
  private final Negotiated transport;
  private final NanoClock clock;

  Http2Alpn(Http2Connection conn, Negotiated transport, NanoClock clock) {
    // A server without ALPN speaks HTTP/1.1.
    super(ApplicationProtocolNames.HTTP_1_1);
    this.conn = conn;
    this.transport = transport;
    this.clock = clock;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    // The handshake belongs to getting a connection, not to any request's latency.
    long now = clock.nanoTime();
    for (Http2Exchange e : conn.waiting) {
      if (e.connectedNanos == 0) {
        e.connectedNanos = e.connectStartNanos; // joined during the handshake
      }
      e.tlsDoneNanos = now;
    }
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      transport.h2(conn, ctx.pipeline());
    } else {
      transport.http1(conn, protocol);
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // the handshake future's listener already told the requests why
  }
}
