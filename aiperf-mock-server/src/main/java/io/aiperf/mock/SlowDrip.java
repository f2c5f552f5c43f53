package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A fault: the status line and headers at once, then the whole answer (the body, or every
 * event of the stream) one byte per {@link MockServerOptions#slowDripInterval()}.
 */
final class SlowDrip extends Exchange {

    private final Answer answer;
    private final boolean stream;
    private final HttpVersion version;
    /** The answer still to drip; set by start(), null once released. */
    private @Nullable ByteBuf bytes;

    SlowDrip(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection,
            Answer answer, boolean stream, boolean keepAlive, HttpVersion version, ServerLoad.Request load) {
        super(ctx, state, connection, keepAlive, load);
        this.answer = answer;
        this.stream = stream;
        this.version = version;
    }

    @Override
    void start(HttpVersion ignored) {
        ByteBuf all;
        if (stream) {
            all = ctx.alloc().buffer();
            answer.appendHead(all);
            Vocabulary.Sequence words = answer.words();
            for (int i = 0; i < answer.tokens(); i++) {
                answer.appendChunk(all, i, words.next());
            }
            answer.appendTrailer(all);
        } else {
            all = answer.body(ctx.alloc());
        }
        bytes = all;
        HttpResponse resp = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, stream ? Replies.EVENT_STREAM : Replies.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, all.readableBytes());
        Replies.setConnection(resp, keepAlive);
        ctx.writeAndFlush(resp);
        schedule();
    }

    private void schedule() {
        timer = ctx.executor().schedule(this::drip, state.options.slowDripInterval().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void drip() {
        timer = null;
        if (done) {
            return;
        }
        if (!ctx.channel().isActive()) {
            cancel();
            return;
        }
        ByteBuf rest = Objects.requireNonNull(bytes, "bytes is set by start() and released only when done");
        ByteBuf one = rest.readRetainedSlice(1);
        if (rest.isReadable()) {
            ctx.writeAndFlush(new DefaultHttpContent(one));
            schedule();
            return;
        }
        markCompleted();
        rest.release();
        bytes = null;
        connection.finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(one)));
    }

    @Override
    void resume() {
        // One byte at a time never fills the outbound buffer.
    }

    @Override
    void cancel() {
        super.cancel();
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
    }
}
