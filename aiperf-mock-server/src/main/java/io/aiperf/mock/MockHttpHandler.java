package io.aiperf.mock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection: routes each request and writes its answer on the connection's event loop.
 *
 * <p>Not sharable: it tracks the answer in progress so that pipelined requests are answered in
 * order and a disconnect can cancel the pending timer. All state is touched only from the event
 * loop, so nothing is synchronised.
 */
final class MockHttpHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MockHttpHandler.class);

    /** Fast mode writes tokens in chunks of about this size: big enough to amortise syscalls. */
    private static final int BATCH_BYTES = 16 * 1024;

    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString GET_HEAD = AsciiString.cached("GET, HEAD");
    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\""
            + InferenceRequest.DEFAULT_MODEL + "\",\"object\":\"model\",\"created\":0,"
            + "\"owned_by\":\"aiperf\"}]}").getBytes(StandardCharsets.US_ASCII);
    private static final String INJECTED_ERROR = "Mock server injected error";

    private final ServerState state;
    private ChannelHandlerContext ctx;
    /** The answer still being produced, or null. */
    private Exchange active;
    /** Pipelined requests waiting for {@link #active} to finish. */
    private ArrayDeque<FullHttpRequest> queued;
    private boolean draining;
    /** Set once the connection is to be closed; later requests are dropped. */
    private boolean closing;

    MockHttpHandler(ServerState state) {
        this.state = state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
        if (active != null || (queued != null && !queued.isEmpty())) {
            if (queued == null) {
                queued = new ArrayDeque<>();
            }
            queued.add(req);
            // Stop reading until the queue drains, so a pipelining client cannot grow it unbounded.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        serve(req);
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
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
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
        try {
            route(req, System.nanoTime());
        } finally {
            req.release();
        }
    }

    private void route(FullHttpRequest req, long arrivalNanos) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            sendError(req, false, HttpResponseStatus.BAD_REQUEST, "invalid_request_error",
                    "Malformed HTTP request: " + req.decoderResult().cause().getMessage());
            return;
        }
        String uri = req.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = req.method();
        switch (path) {
            case "/v1/chat/completions":
                inference(req, keepAlive, Endpoint.CHAT, method, arrivalNanos);
                break;
            case "/v1/completions":
                inference(req, keepAlive, Endpoint.COMPLETIONS, method, arrivalNanos);
                break;
            case "/health":
                fixed(req, keepAlive, method, HEALTH);
                break;
            case "/v1/models":
                fixed(req, keepAlive, method, MODELS);
                break;
            default:
                Endpoint api = Endpoint.forPath(path);
                if (api != null) {
                    apiInference(req, keepAlive, api, method, arrivalNanos);
                    break;
                }
                sendError(req, keepAlive, HttpResponseStatus.NOT_FOUND, "invalid_request_error",
                        "Unknown path: " + path);
        }
    }

    /** The routes besides chat and completions: parsed with a tree, answered by {@link ApiAnswer}. */
    private void apiInference(
            FullHttpRequest req, boolean keepAlive, Endpoint endpoint, HttpMethod method, long arrivalNanos) {
        if (!method.equals(HttpMethod.POST)) {
            methodNotAllowed(req, keepAlive, POST);
            return;
        }
        record(req, arrivalNanos);
        if (endpoint == Endpoint.MESSAGES && !req.headers().contains("anthropic-version")) {
            // As Anthropic's API: the version header is required.
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error",
                    "anthropic-version: header is required");
            return;
        }
        ApiRequest parsed;
        try {
            parsed = ApiRequest.parse(endpoint, req.content());
        } catch (BadRequestException e) {
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
            return;
        }
        ServerState.Fault fault = state.fault();
        if (injectFault(req, keepAlive, fault, parsed.stream())) {
            return;
        }
        ApiAnswer answer = ApiAnswer.plan(parsed, state.nextId(endpoint), System.currentTimeMillis() / 1000,
                state.options.seed(), state.options.reasoningTokens());
        answer(req, keepAlive, answer, parsed.stream(), fault, arrivalNanos);
    }

    private void record(FullHttpRequest req, long arrivalNanos) {
        if (state.options.recordRequests() > 0) {
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT),
                    h.getValue()));
            state.record(new ReceivedRequest(arrivalNanos, req.uri(), headers,
                    req.content().toString(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /** Answers with the fault instead of the answer; false when there is none to inject here. */
    private boolean injectFault(FullHttpRequest req, boolean keepAlive, ServerState.Fault fault, boolean stream) {
        if (fault == ServerState.Fault.ERROR_500) {
            sendError(req, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, "server_error", INJECTED_ERROR);
            return true;
        }
        if (fault == ServerState.Fault.RATE_LIMIT_429) {
            FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(),
                    HttpResponseStatus.TOO_MANY_REQUESTS,
                    errorBody(429, "rate_limit_error", "Mock server injected rate limit"));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes())
                    .set(HttpHeaderNames.RETRY_AFTER, "1");
            setConnection(resp, keepAlive);
            finished(null, keepAlive, ctx.writeAndFlush(resp));
            return true;
        }
        if (fault == ServerState.Fault.MALFORMED) {
            sendMalformed(req, keepAlive, stream);
            return true;
        }
        return false;
    }

    /** Starts producing an answer on the TTFT/ITL schedule, with the disconnect or slow-drip fault. */
    private void answer(FullHttpRequest req, boolean keepAlive, Answer answer, boolean stream,
            ServerState.Fault fault, long arrivalNanos) {
        Exchange exchange;
        if (fault == ServerState.Fault.SLOW_DRIP) {
            exchange = new SlowDrip(answer, stream, keepAlive, req.protocolVersion());
        } else if (stream) {
            // HTTP/1.0 has no chunked encoding, so the end of the stream is marked by closing.
            boolean chunked = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
            exchange = new TokenStream(answer, arrivalNanos + state.stallNanos(), keepAlive && chunked);
            if (fault == ServerState.Fault.DISCONNECT) {
                ((TokenStream) exchange).cutAt = Math.max(1, answer.tokens() / 2);
            }
        } else {
            exchange = new DelayedAnswer(answer, arrivalNanos + state.stallNanos(), keepAlive,
                    req.protocolVersion());
            if (fault == ServerState.Fault.DISCONNECT) {
                ((DelayedAnswer) exchange).cut = true;
            }
        }
        active = exchange;
        exchange.start(req.protocolVersion());
    }

    private void fixed(FullHttpRequest req, boolean keepAlive, HttpMethod method, byte[] body) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            methodNotAllowed(req, keepAlive, GET_HEAD);
            return;
        }
        send(req, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body), null);
    }

    private void inference(
            FullHttpRequest req, boolean keepAlive, Endpoint endpoint, HttpMethod method, long arrivalNanos) {
        if (!method.equals(HttpMethod.POST)) {
            methodNotAllowed(req, keepAlive, POST);
            return;
        }
        InferenceRequest parsed;
        record(req, arrivalNanos);
        try {
            parsed = InferenceRequest.parse(endpoint, req.content());
        } catch (BadRequestException e) {
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
            return;
        }
        ServerState.Fault fault = state.fault();
        if (injectFault(req, keepAlive, fault, parsed.stream())) {
            return;
        }
        long created = System.currentTimeMillis() / 1000;
        Answer answer = endpoint == Endpoint.CHAT && state.options.reasoningTokens() > 0
                ? ApiAnswer.planChat(parsed, state.nextId(endpoint), created, state.options.seed(),
                        state.options.reasoningTokens())
                : Completion.plan(parsed, state.nextId(endpoint), created, state.options.seed());
        answer(req, keepAlive, answer, parsed.stream(), fault, arrivalNanos);
    }

    private void methodNotAllowed(FullHttpRequest req, boolean keepAlive, AsciiString allow) {
        HttpResponseStatus status = HttpResponseStatus.METHOD_NOT_ALLOWED;
        String message = "Method " + req.method() + " is not allowed here; use " + allow;
        send(req, keepAlive, status, errorBody(status.code(), "invalid_request_error", message), allow);
    }

    private void sendError(
            FullHttpRequest req, boolean keepAlive, HttpResponseStatus status, String type, String message) {
        send(req, keepAlive, status, errorBody(status.code(), type, message), null);
    }

    /**
     * A 200 answer that is not a response: broken JSON, or an event stream of garbage with no data
     * line, so a client must turn it into a typed error rather than crash or count it.
     */
    private void sendMalformed(FullHttpRequest req, boolean keepAlive, boolean stream) {
        String text = stream
                ? ": mock server injected garbage\n\nevent: ping\nretry: x\n\n\u00ff\u00fe garbage\n\n"
                : "{\"id\": \"broken\", \"choices\": [{\"message\": ";
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, stream ? EVENT_STREAM : APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        setConnection(resp, keepAlive);
        finished(null, keepAlive, ctx.writeAndFlush(resp));
    }

    /** An OpenAI-style error object. */
    static ByteBuf errorBody(int code, String type, String message) {
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(message));
        return Unpooled.copiedBuffer("{\"error\":{\"message\":\"" + escaped + "\",\"type\":\"" + type
                + "\",\"code\":" + code + "}}", StandardCharsets.UTF_8);
    }

    private void send(
            FullHttpRequest req, boolean keepAlive, HttpResponseStatus status, ByteBuf body, AsciiString allow) {
        FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(), status, body);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (allow != null) {
            h.set(HttpHeaderNames.ALLOW, allow);
        }
        if (req.method().equals(HttpMethod.HEAD)) {
            resp = resp.replace(Unpooled.EMPTY_BUFFER);
            body.release();
        }
        setConnection(resp, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            closeAfter(f);
        }
    }

    private static void setConnection(HttpResponse resp, boolean keepAlive) {
        if (!keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (resp.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void closeAfter(ChannelFuture lastWrite) {
        closing = true;
        releaseQueued();
        lastWrite.addListener(ChannelFutureListener.CLOSE);
    }

    /** Called by an exchange once its last byte is written (or it gave up on a dead channel). */
    private void finished(Exchange exchange, boolean keepAlive, ChannelFuture lastWrite) {
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
        draining = true;
        try {
            while (active == null && !closing && queued != null && !queued.isEmpty()) {
                serve(queued.poll());
            }
            if (active == null && !closing && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
        } finally {
            draining = false;
        }
    }

    private void releaseQueued() {
        if (queued != null) {
            FullHttpRequest r;
            while ((r = queued.poll()) != null) {
                r.release();
            }
        }
    }

    /** An answer produced over time. */
    private interface Exchange {
        void start(HttpVersion version);

        /** The channel became writable again after back-pressure. */
        void resume();

        /** The connection is gone: drop pending timers. */
        void cancel();
    }

    /**
     * Streams tokens as server-sent events, token {@code i} due at {@code arrival + ttft + i * itl}.
     *
     * <p>Each wake-up writes every token that is due and re-arms one timer for the next, computed
     * from the absolute due time; so a late wake-up is caught up rather than pushing every later
     * token back, and only one timer per stream is ever pending.
     */
    private final class TokenStream implements Exchange {
        private final Answer completion;
        private final long arrivalNanos;
        private final boolean keepAlive;
        private final Vocabulary.Sequence words;
        private int next;
        private ScheduledFuture<?> timer;
        private boolean done;
        /** Cut the connection once this many tokens are out (a fault); -1 for never. */
        int cutAt = -1;

        TokenStream(Answer completion, long arrivalNanos, boolean keepAlive) {
            this.completion = completion;
            this.arrivalNanos = arrivalNanos;
            this.keepAlive = keepAlive;
            this.words = completion.words();
        }

        @Override
        public void start(HttpVersion version) {
            HttpResponse resp = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            resp.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            if (version.equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(resp, true);
            }
            setConnection(resp, keepAlive);
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
            long now = System.nanoTime();
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
                finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(batch)));
                return;
            }
            if (batch != null) {
                ctx.write(new DefaultHttpContent(batch));
            }
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                return; // resume() continues once the client has read enough
            }
            timer = ctx.executor().schedule(this::pump, dueNanos(next) - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        private int initialCapacity(int remaining) {
            long wanted = (long) remaining * completion.maxChunkBytes() + 512;
            return (int) Math.min(wanted, BATCH_BYTES + completion.maxChunkBytes() + 512);
        }

        @Override
        public void resume() {
            if (!done && timer == null) {
                pump();
            }
        }

        @Override
        public void cancel() {
            done = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /**
     * A fault: the status line and headers at once, then the whole answer (the body, or every
     * event of the stream) one byte per {@link MockServerOptions#slowDripInterval()}.
     */
    private final class SlowDrip implements Exchange {
        private final Answer answer;
        private final boolean stream;
        private final boolean keepAlive;
        private final HttpVersion version;
        private ByteBuf bytes;
        private ScheduledFuture<?> timer;
        private boolean done;

        SlowDrip(Answer answer, boolean stream, boolean keepAlive, HttpVersion version) {
            this.answer = answer;
            this.stream = stream;
            this.keepAlive = keepAlive;
            this.version = version;
        }

        @Override
        public void start(HttpVersion ignored) {
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
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, stream ? EVENT_STREAM : APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.readableBytes());
            setConnection(resp, keepAlive);
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
            finished(this, keepAlive, ctx.writeAndFlush(new DefaultLastHttpContent(one)));
        }

        @Override
        public void resume() {
            // One byte at a time never fills the outbound buffer.
        }

        @Override
        public void cancel() {
            done = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (bytes != null) {
                bytes.release();
                bytes = null;
            }
        }
    }

    /** A non-streaming answer, sent whole when its last token would have been produced. */
    private final class DelayedAnswer implements Exchange {
        private final Answer completion;
        private final long arrivalNanos;
        private final boolean keepAlive;
        private final HttpVersion version;
        private ScheduledFuture<?> timer;
        private boolean done;
        /** Close instead of answering (a fault). */
        boolean cut;

        DelayedAnswer(Answer completion, long arrivalNanos, boolean keepAlive, HttpVersion version) {
            this.completion = completion;
            this.arrivalNanos = arrivalNanos;
            this.keepAlive = keepAlive;
            this.version = version;
        }

        @Override
        public void start(HttpVersion ignored) {
            long due = arrivalNanos + state.ttftNanos + (completion.tokens() - 1L) * state.itlNanos;
            long delay = due - System.nanoTime();
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
            done = true;
            if (!ctx.channel().isActive()) {
                return;
            }
            if (cut) {
                ctx.close(); // the fault: the server goes away instead of answering
                return;
            }
            ByteBuf body = completion.body(ctx.alloc());
            FullHttpResponse resp = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, body);
            resp.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            setConnection(resp, keepAlive);
            finished(this, keepAlive, ctx.writeAndFlush(resp));
        }

        @Override
        public void resume() {
            // Written in one piece; Netty's outbound buffer absorbs it.
        }

        @Override
        public void cancel() {
            done = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
