package io.aiperf.mock;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection (or one HTTP/2 stream): keeps pipelined requests in order, one answer at
 * a time, and cancels the answer in progress when the connection goes away.
 *
 * <p>What a request gets is decided by its {@link RequestRouter}; an answer that takes time is an
 * {@link Exchange} that calls {@link #finished} when done. Not sharable: all state is touched only
 * from the event loop, so nothing is synchronised.
 */
final class MockHttpHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MockHttpHandler.class);

    private final ServerState state;
    /** Set by {@link #handlerAdded}, which Netty calls before any other event. */
    private @Nullable ChannelHandlerContext ctx;
    /** Set with {@link #ctx}. */
    private @Nullable RequestRouter router;
    /** The answer still being produced, or null. */
    private @Nullable Exchange active;
    /** Pipelined requests waiting for {@link #active} to finish; null until the first one. */
    private @Nullable ArrayDeque<FullHttpRequest> queued;
    private boolean draining;
    /**
     * A request stamped on arrival whose routing waits for the loop's tasks: set from the read
     * until its task runs, and counted as an answer in progress meanwhile.
     */
    private @Nullable FullHttpRequest deferred;
    /** Set once the connection is to be closed; later requests are dropped. */
    private boolean closing;

    MockHttpHandler(ServerState state) {
        this.state = state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.router = new RequestRouter(state, ctx, this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest req = (FullHttpRequest) msg;
        state.requestReceived();
        if (closing) {
            req.release();
            return;
        }
        if (active != null || deferred != null || (queued != null && !queued.isEmpty())) {
            if (queued == null) {
                queued = new ArrayDeque<>();
            }
            queued.add(req);
            // Stop reading until the queue drains, so a pipelining client cannot grow it unbounded.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        // Stamp now, route later: the loop reads every connection that is ready before it runs
        // tasks, so a burst of requests (a concurrency wave) is stamped as it arrived, not each
        // after the parsing of those read before it (measured: the last of 16 requests on a loop
        // was stamped 3-8 ms late, which the client's TTFT rightly counted and the truth did not).
        long arrival = MockClock.nanos();
        deferred = req;
        ctx.executor().execute(() -> {
            FullHttpRequest r = deferred;
            deferred = null;
            if (r == null) {
                return; // the connection closed and released it
            }
            if (closing) {
                r.release();
                return;
            }
            serve(r, arrival);
            drain();
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && active != null) {
            active.resume();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // Only an idle keep-alive connection is closed: never one with an answer in progress.
            if (active == null && (queued == null || queued.isEmpty())) {
                log.debug("{} idle for {}; closing it", ctx.channel(),
                        MockServerOptions.formatDuration(state.options.idleTimeout()));
                closing = true;
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (active != null) {
            log.debug("{} closed with an answer in progress; cancelling it", ctx.channel());
            active.cancel();
            active = null;
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are the client leaving; that is routine for a load generator.
        if (cause instanceof IOException) {
            log.debug("{} I/O error: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{} unexpected error; closing the connection", ctx.channel(), cause);
        }
        ctx.close();
    }

    private void serve(FullHttpRequest req) {
        serve(req, MockClock.nanos());
    }

    private void serve(FullHttpRequest req, long arrivalNanos) {
        try {
            Objects.requireNonNull(router, "set in handlerAdded, before any request is read")
                    .route(req, arrivalNanos);
        } finally {
            req.release();
        }
    }

    /** Makes {@code exchange} the answer in progress, then starts it (it may finish at once). */
    void begin(Exchange exchange, HttpVersion version) {
        active = exchange;
        exchange.start(version);
    }

    /** Closes the connection once {@code lastWrite} is out; later requests are dropped. */
    void closeAfter(ChannelFuture lastWrite) {
        closing = true;
        releaseQueued();
        lastWrite.addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Called once an answer's last byte is written (or its exchange gave up on a dead channel);
     * {@code exchange} is null for an answer written at once.
     */
    void finished(@Nullable Exchange exchange, boolean keepAlive, ChannelFuture lastWrite) {
        if (active == exchange) {
            active = null;
        }
        if (!keepAlive) {
            closeAfter(lastWrite);
            return;
        }
        drain();
    }

    private void drain() {
        if (draining) {
            return;
        }
        ChannelHandlerContext context =
                Objects.requireNonNull(ctx, "set in handlerAdded, before any request is read");
        draining = true;
        try {
            while (active == null && !closing && queued != null && !queued.isEmpty()) {
                serve(queued.poll());
            }
            if (active == null && !closing && !context.channel().config().isAutoRead()) {
                context.channel().config().setAutoRead(true);
            }
        } finally {
            draining = false;
        }
    }

    private void releaseQueued() {
        FullHttpRequest d = deferred;
        if (d != null) {
            deferred = null;
            d.release();
        }
        if (queued != null) {
            FullHttpRequest r;
            while ((r = queued.poll()) != null) {
                r.release();
            }
        }
    }
}
