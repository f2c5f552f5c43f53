package io.aiperf.mock;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * An answer produced over time on one connection: a token stream, a delayed whole answer, or a
 * slow-drip fault. Its methods run only on the connection's event loop, so nothing is synchronised.
 *
 * <p>Once its last byte is written (or it gives up on a dead channel) it tells its
 * {@link MockHttpHandler}, which then serves the next pipelined request.
 */
abstract sealed class Exchange permits TokenStream, DelayedAnswer, SlowDrip {

    final ChannelHandlerContext ctx;
    final ServerState state;
    final MockHttpHandler connection;
    final boolean keepAlive;
    /** The one pending wake-up, or null. */
    @Nullable ScheduledFuture<?> timer;
    /** Set once the answer is complete or abandoned; a late timer then does nothing. */
    boolean done;

    Exchange(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection, boolean keepAlive) {
        this.ctx = ctx;
        this.state = state;
        this.connection = connection;
        this.keepAlive = keepAlive;
    }

    abstract void start(HttpVersion version);

    /** The channel became writable again after back-pressure. */
    abstract void resume();

    /** The connection is gone: drop pending timers. */
    void cancel() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
