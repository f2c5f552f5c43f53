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
    /** The request as the server's load (its {@code /metrics} and fake GPUs) counts it. */
    final ServerLoad.Request load;

    Exchange(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection, boolean keepAlive,
            ServerLoad.Request load) {
        this.ctx = ctx;
        this.state = state;
        this.connection = connection;
        this.keepAlive = keepAlive;
        this.load = load;
    }

    abstract void start(HttpVersion version);

    /** The channel became writable again after back-pressure. */
    abstract void resume();

    /** The answer's last byte is about to be written: it ends as complete. */
    final void markCompleted() {
        done = true;
        load.end(load.tokens, true, MockClock.nanos());
        state.outcomes.completed();
    }

    /** The disconnect fault is about to close the connection: the answer ends cut, {@code written} tokens out. */
    final void markDisconnected(int written) {
        done = true;
        load.end(written, false, MockClock.nanos());
        state.outcomes.disconnected();
    }

    /**
     * The connection is gone: drop pending timers. An answer not yet ended is counted as
     * abandoned (the client left first), once.
     */
    void cancel() {
        if (!done) {
            load.end(load.written, false, MockClock.nanos());
            state.outcomes.abandoned(this instanceof SlowDrip);
        }
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
