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
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Streams tokens as server-sent events, token {@code i} due at {@code arrival + ttft + i * itl}.
 *
 * <p>Each wake-up writes every token that is due and re-arms one timer for the next, computed
 * from the absolute due time; so a late wake-up is caught up rather than pushing every later
 * token back, and only one timer per stream is ever pending.
 *
 * <p>With {@link MockServerOptions#separateEvents()} every event goes out in a write of its own
 * instead ({@link #pumpSeparate}): the chat role alone {@code roleLead} before the first token,
 * each token's event at its due time even when catching up, and each closing event (usage chunk,
 * {@code [DONE]}) {@code tailGap} after the one before, the first after the last token. When
 * {@link WriteLog} is on, every event is logged with the time of its write.
 */
final class TokenStream extends Exchange {

    /** Fast mode writes tokens in chunks of about this size: big enough to amortise syscalls. */
    private static final int BATCH_BYTES = 16 * 1024;

    private final Answer completion;
    private final long arrivalNanos;
    /** This request's TTFT and ITL: the server's, or what its decode slot gives it. */
    private final long ttftNanos;
    private final long itlNanos;
    private final Vocabulary.Sequence words;
    /** Cut the connection once this many tokens are out (a fault); -1 for never. */
    private final int cutAt;
    private int next;
    /** Null unless the server logs writes. */
    private final WriteLog.@Nullable Stream log;
    private final boolean separate;
    /** Separate events: the role event, until it is out. */
    private @Nullable ByteBuf role;
    /** Separate events: the closing events still to go out, once the last token is out. */
    private @Nullable ArrayDeque<ByteBuf> tail;
    private int tailSent;

    TokenStream(ChannelHandlerContext ctx, ServerState state, MockHttpHandler connection,
            Answer completion, long arrivalNanos, long ttftNanos, long itlNanos, boolean keepAlive,
            int cutAt, String requestId, ServerLoad.Request load) {
        super(ctx, state, connection, keepAlive, load);
        this.ttftNanos = ttftNanos;
        this.itlNanos = itlNanos;
        this.completion = completion;
        this.arrivalNanos = arrivalNanos;
        this.words = completion.words();
        this.cutAt = cutAt;
        this.separate = state.options.separateEvents();
        this.log = state.writeLog.enabled() ? state.writeLog.open(requestId, arrivalNanos) : null;
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
        if (separate) {
            ctx.flush(); // headers at once: a stream is open before its first event
            writeEach(head, SentEvent.Kind.HEAD);
            head.release();
            ByteBuf roleEvent = ctx.alloc().buffer(512);
            if (completion.appendRole(roleEvent)) {
                role = roleEvent;
            } else {
                roleEvent.release();
            }
            pumpSeparate();
            return;
        }
        if (head.isReadable()) {
            logged(head, 0, SentEvent.Kind.HEAD);
            endWrite();
            ctx.writeAndFlush(new DefaultHttpContent(head));
        } else {
            head.release();
        }
        pump();
    }

    private long dueNanos(int token) {
        return arrivalNanos + ttftNanos + token * itlNanos;
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
            int from = batch.writerIndex();
            completion.appendChunk(batch, next, words.next());
            if (log != null) {
                logged(batch, from, kindOf(next));
            }
            next++;
            if (batch.readableBytes() >= BATCH_BYTES && next < total) {
                load.wrote(next, now);
                endWrite();
                ctx.write(new DefaultHttpContent(batch));
                batch = null;
                if (!ctx.channel().isWritable()) {
                    break;
                }
            }
        }
        load.wrote(next, now); // counted before the bytes go out
        if (cutAt >= 0 && next >= cutAt) {
            if (batch != null) {
                endWrite();
                ctx.write(new DefaultHttpContent(batch));
            }
            markDisconnected(next);
            ctx.flush();
            ctx.close(); // the fault: the server goes away mid-answer
            return;
        }
        if (next == total) {
            if (batch == null) {
                batch = ctx.alloc().buffer(512);
            }
            int from = batch.writerIndex();
            completion.appendTrailer(batch);
            if (log != null) {
                logged(batch, from, SentEvent.Kind.TAIL);
            }
            endWrite();
            markCompleted();
            connection.finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(batch)));
            return;
        }
        if (batch != null) {
            endWrite();
            ctx.write(new DefaultHttpContent(batch));
        }
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            return; // resume() continues once the client has read enough
        }
        timer = ctx.executor().schedule(this::pump, dueNanos(next) - MockClock.nanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The separate-events pump: one event per write, each at its own due time (role, tokens, then
     * the closing events), re-arming one timer for the next as {@link #pump} does.
     */
    private void pumpSeparate() {
        timer = null;
        if (done) {
            return;
        }
        if (!ctx.channel().isActive()) {
            cancel();
            return;
        }
        int total = completion.tokens();
        while (ctx.channel().isWritable()) {
            long due;
            ByteBuf roleEvent = role;
            if (roleEvent != null) {
                due = Math.max(arrivalNanos, dueNanos(0) - state.roleLeadNanos);
            } else if (next < total) {
                due = dueNanos(next);
            } else {
                due = dueNanos(total - 1) + (tailSent + 1L) * state.tailGapNanos;
            }
            long wait = due - MockClock.nanos();
            if (wait > 0) {
                timer = ctx.executor().schedule(this::pumpSeparate, wait, TimeUnit.NANOSECONDS);
                return;
            }
            if (roleEvent != null) {
                role = null;
                writeOne(roleEvent, SentEvent.Kind.ROLE, false);
            } else if (next < total) {
                ByteBuf chunk = ctx.alloc().buffer(completion.maxChunkBytes() + 512);
                completion.appendChunkWithoutRole(chunk, next, words.next());
                SentEvent.Kind kind = kindOf(next);
                next++;
                load.wrote(next, MockClock.nanos());
                if (cutAt >= 0 && next >= cutAt) {
                    writeOne(chunk, kind, false);
                    markDisconnected(next);
                    ctx.close(); // the fault: the server goes away mid-answer
                    return;
                }
                if (next == total) {
                    tail = closingEvents();
                }
                writeOne(chunk, kind, next == total && tail != null && tail.isEmpty());
            } else {
                ArrayDeque<ByteBuf> closing = tail;
                if (closing == null || closing.isEmpty()) {
                    return; // finished: the last write ended the answer
                }
                tailSent++;
                writeOne(closing.poll(), SentEvent.Kind.TAIL, closing.isEmpty());
            }
            if (done) {
                return;
            }
        }
        // resume() continues once the client has read enough
    }

    /** The trailer split into its events, each to go out in a write of its own. */
    private ArrayDeque<ByteBuf> closingEvents() {
        ByteBuf all = ctx.alloc().buffer(512);
        completion.appendTrailer(all);
        ArrayDeque<ByteBuf> events = new ArrayDeque<>();
        while (all.isReadable()) {
            events.add(all.readRetainedSlice(eventLength(all)));
        }
        all.release();
        return events;
    }

    /** Bytes from the reader index through the end of the first SSE event (its blank line). */
    private static int eventLength(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        for (int i = start; i + 1 < end; i++) {
            if (buf.getByte(i) == '\n' && buf.getByte(i + 1) == '\n') {
                return i + 2 - start;
            }
        }
        return end - start;
    }

    /** Writes each event of {@code events} in a write of its own; {@code events} stays the caller's. */
    private void writeEach(ByteBuf events, SentEvent.Kind kind) {
        while (events.isReadable()) {
            writeOne(events.readRetainedSlice(eventLength(events)), kind, false);
        }
    }

    /** Writes one event and flushes it; the last one ends the answer. */
    private void writeOne(ByteBuf event, SentEvent.Kind kind, boolean last) {
        logged(event, event.readerIndex(), kind);
        endWrite();
        if (last) {
            markCompleted();
            connection.finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(event)));
        } else {
            ctx.writeAndFlush(new DefaultHttpContent(event));
        }
    }

    private SentEvent.Kind kindOf(int token) {
        return token < completion.reasoningTokens() ? SentEvent.Kind.REASONING : SentEvent.Kind.CONTENT;
    }

    /** Logs the events in {@code buf} from {@code from} to its writer index, stamped now. */
    private void logged(ByteBuf buf, int from, SentEvent.Kind kind) {
        if (log != null) {
            log.events(buf, from, buf.writerIndex(), kind, MockClock.nanos());
        }
    }

    private void endWrite() {
        if (log != null) {
            log.endWrite();
        }
    }

    @Override
    void cancel() {
        super.cancel();
        ByteBuf roleEvent = role;
        if (roleEvent != null) {
            role = null;
            roleEvent.release();
        }
        ArrayDeque<ByteBuf> closing = tail;
        if (closing != null) {
            closing.forEach(ByteBuf::release);
            closing.clear();
        }
    }

    private int initialCapacity(int remaining) {
        long wanted = (long) remaining * completion.maxChunkBytes() + 512;
        return (int) Math.min(wanted, BATCH_BYTES + completion.maxChunkBytes() + 512);
    }

    @Override
    void resume() {
        if (!done && timer == null) {
            if (separate) {
                pumpSeparate();
            } else {
                pump();
            }
        }
    }
}
