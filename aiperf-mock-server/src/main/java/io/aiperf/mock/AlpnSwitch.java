package io.aiperf.mock;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, installs the handlers of the protocol ALPN chose: {@code h2} gets the
 * same HTTP/2 pipeline as h2c, anything else (including no ALPN at all) HTTP/1.1. It then removes
 * itself, so requests meet the very handlers, and the TTFT/ITL schedule, of the cleartext port.
 */
final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(AlpnSwitch.class);

    private final ServerState state;

    AlpnSwitch(ServerState state) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.state = state;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            ProtocolSniffer.h2(ctx.pipeline(), state);
        } else {
            ProtocolSniffer.http1(ctx.pipeline(), state);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // idle during the handshake: nothing is in progress
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * A client that speaks cleartext to the TLS port, or does not trust the certificate, is a
     * client's mistake: one line, not a stack trace per connection.
     */
    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Connection {} failed before its protocol was chosen: {}",
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
