package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;

/**
 * Streams tokens as server-sent events, token {@code i} due at {@code arrival + ttft + i * itl}.
 *
 * <p>Each wake-up writes every token that is due and re-arms one timer for the next, computed
 * from the absolute due time; so a late wake-up is caught up rather than pushing every later
 * token back, and only one timer per stream is ever pending.
 */
final class TokenStream extends Exchange {

    /** Fast mode writes tokens in chunks of about this size: big enough to amortise syscalls. */
    private static final int BATCH_BYTES = 16 * 1024;

    private final Answer completion;
    private final long arrivalNanos;
    private final Vocabulary.Sequence words;
    /** Cut the connection once this many tokens are out (a fault); -1 for never. */
    private final int cutAt;
    private int next;

    TokenStream(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection,
            Answer completion, long arrivalNanos, boolean keepAlive, int cutAt) {
        super(ctx, state, connection, keepAlive);
        this.completion = completion;
        this.arrivalNanos = arrivalNanos;
        this.words = completion.words();
        this.cutAt = cutAt;
    }

    @Override
    void start(HttpVersion version) {
        HttpResponse resp = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        resp.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, Replies.EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (version.equals(HttpVersion.HTTP_1_1)) {
            HttpUtil.setTransferEncodingChunked(resp, true);
        }
        Replies.setConnection(resp, keepAlive);
        ctx.write(resp);
        ByteBuf head = ctx.alloc().buffer(512);
        completion.appendHead(head);
        if (head.isReadable()) {
            ctx.writeAndFlush(new DefaultHttpContent(head));
        } else {
            head.release();
        }
        pump();
    }

    private long dueNanos(int token) {
        return arrivalNanos + state.ttftNanos + token * state.itlNanos;
    }

    private void pump() {
        timer = null;
        if (done) {
            return;
        }
        if (!ctx.channel().isActive()) {
            cancel();
            return;
        }
        int total = completion.tokens();
        long now = MockClock.nanos();
        ByteBuf batch = null;
        while (next < total && dueNanos(next) - now <= 0 && (cutAt < 0 || next < cutAt)) {
            if (batch == null) {
                batch = ctx.alloc().buffer(initialCapacity(total - next));
            }
            completion.appendChunk(batch, next, words.next());
            next++;
            if (batch.readableBytes() >= BATCH_BYTES && next < total) {
                ctx.write(new DefaultHttpContent(batch));
                batch = null;
                if (!ctx.channel().isWritable()) {
                    break;
                }
            }
        }
        if (cutAt >= 0 && next >= cutAt) {
            if (batch != null) {
                ctx.write(new DefaultHttpContent(batch));
            }
            done = true;
            ctx.flush();
            ctx.close(); // the fault: the server goes away mid-answer
            return;
        }
        if (next == total) {
            if (batch == null) {
                batch = ctx.alloc().buffer(512);
            }
            completion.appendTrailer(batch);
            done = true;
            connection.finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(batch)));
            return;
        }
        if (batch != null) {
            ctx.write(new DefaultHttpContent(batch));
        }
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            return; // resume() continues once the client has read enough
        }
        timer = ctx.executor().schedule(this::pump, dueNanos(next) - MockClock.nanos(), TimeUnit.NANOSECONDS);
    }

    private int initialCapacity(int remaining) {
        long wanted = (long) remaining * completion.maxChunkBytes() + 512;
        return (int) Math.min(wanted, BATCH_BYTES + completion.maxChunkBytes() + 512);
    }

    @Override
    void resume() {
        if (!done && timer == null) {
            pump();
        }
    }
}
