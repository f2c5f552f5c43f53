package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;

/**
 * A non-streaming answer, sent whole when its last token would have been produced:
 * at {@code arrival + ttft + (n - 1) * itl}.
 */
final class DelayedAnswer extends Exchange {

    private final Answer completion;
    private final long arrivalNanos;
    /** This request's TTFT and ITL: the server's, or what its decode slot gives it. */
    private final long ttftNanos;
    private final long itlNanos;
    private final HttpVersion version;
    /** Close instead of answering (a fault). */
    private final boolean cut;

    DelayedAnswer(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection,
            Answer completion, long arrivalNanos, long ttftNanos, long itlNanos, boolean keepAlive,
            HttpVersion version, boolean cut, ServerLoad.Request load) {
        super(ctx, state, connection, keepAlive, load);
        this.ttftNanos = ttftNanos;
        this.itlNanos = itlNanos;
        this.completion = completion;
        this.arrivalNanos = arrivalNanos;
        this.version = version;
        this.cut = cut;
    }

    @Override
    void start(HttpVersion ignored) {
        long due = arrivalNanos + ttftNanos + (completion.tokens() - 1L) * itlNanos;
        long delay = due - MockClock.nanos();
        if (delay <= 0) {
            fire();
        } else {
            timer = ctx.executor().schedule(this::fire, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void fire() {
        timer = null;
        if (done) {
            return;
        }
        if (!ctx.channel().isActive()) {
            cancel(); // the client left before channelInactive told us
            return;
        }
        if (cut) {
            markDisconnected(0);
            ctx.close(); // the fault: the server goes away instead of answering
            return;
        }
        ByteBuf body = completion.body(ctx.alloc());
        FullHttpResponse resp = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, body);
        resp.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, Replies.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        Replies.setConnection(resp, keepAlive);
        markCompleted();
        connection.finished(this, keepAlive, ctx.writeAndFlush(resp));
    }

    @Override
    void resume() {
        // Written in one piece; Netty's outbound buffer absorbs it.
    }
}
