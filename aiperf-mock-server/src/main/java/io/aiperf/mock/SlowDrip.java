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
import java.util.concurrent.TimeUnit;

/**
 * A fault: the status line and headers at once, then the whole answer (the body, or every
 * event of the stream) one byte per {@link MockServerOptions#slowDripInterval()}.
 */
final class SlowDrip extends Exchange {

    private final Answer answer;
    private final boolean stream;
    private final HttpVersion version;
    private ByteBuf bytes;

    SlowDrip(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection,
            Answer answer, boolean stream, boolean keepAlive, HttpVersion version) {
        super(ctx, state, connection, keepAlive);
        this.answer = answer;
        this.stream = stream;
        this.version = version;
    }

    @Override
    void start(HttpVersion ignored) {
        if (stream) {
            bytes = ctx.alloc().buffer();
            answer.appendHead(bytes);
            Vocabulary.Sequence words = answer.words();
            for (int i = 0; i < answer.tokens(); i++) {
                answer.appendChunk(bytes, i, words.next());
            }
            answer.appendTrailer(bytes);
        } else {
            bytes = answer.body(ctx.alloc());
        }
        HttpResponse resp = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, stream ? Replies.EVENT_STREAM : Replies.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.readableBytes());
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
        ByteBuf one = bytes.readRetainedSlice(1);
        if (bytes.isReadable()) {
            ctx.writeAndFlush(new DefaultHttpContent(one));
            schedule();
            return;
        }
        done = true;
        bytes.release();
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
