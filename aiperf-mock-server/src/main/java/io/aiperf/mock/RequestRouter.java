package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns one request of a connection into its answer: routes by path and method, records and
 * parses the body, draws the request's fault, plans the answer and hands it to the connection as
 * an {@link Exchange} on the TTFT/ITL schedule. Errors and faults answered at once are written
 * here.
 *
 * <p>One per {@link MockHttpHandler}, used only on its event loop.
 */
final class RequestRouter {

    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString GET_HEAD = AsciiString.cached("GET, HEAD");
    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\""
            + InferenceRequest.DEFAULT_MODEL + "\",\"object\":\"model\",\"created\":0,"
            + "\"owned_by\":\"aiperf\"}]}").getBytes(StandardCharsets.US_ASCII);
    private static final String INJECTED_ERROR = "Mock server injected error";

    private final ServerState state;
    private final ChannelHandlerContext ctx;
    private final MockHttpHandler connection;

    RequestRouter(ServerState state, ChannelHandlerContext ctx, MockHttpHandler connection) {
        this.state = state;
        this.ctx = ctx;
        this.connection = connection;
    }

    void route(FullHttpRequest req, long arrivalNanos) {
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
            case "/metrics":
                page(req, keepAlive, method, MetricsPages.vllm(state.load, state.itlNanos));
                break;
            case "/dcgm/metrics":
                page(req, keepAlive, method, MetricsPages.dcgm(state.load, state.itlNanos));
                break;
            default:
                Endpoint media = MediaRoutes.forPath(path);
                if (media != null) {
                    mediaInference(req, keepAlive, media, method, arrivalNanos);
                    break;
                }
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
        state.outcomes.received();
        if (!method.equals(HttpMethod.POST)) {
            state.outcomes.rejected();
            methodNotAllowed(req, keepAlive, POST);
            return;
        }
        record(req, arrivalNanos);
        if (endpoint == Endpoint.MESSAGES && !req.headers().contains("anthropic-version")) {
            // As Anthropic's API: the version header is required.
            state.outcomes.rejected();
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error",
                    "anthropic-version: header is required");
            return;
        }
        ApiRequest parsed;
        try {
            parsed = ApiRequest.parse(endpoint, req.content());
        } catch (BadRequestException e) {
            state.outcomes.rejected();
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
            return;
        }
        if (overflowsContext(req, keepAlive, parsed.promptWords(), parsed.maxTokens())) {
            return;
        }
        ServerState.Fault fault = state.fault();
        if (injectFault(req, keepAlive, fault, parsed.stream())) {
            return;
        }
        long created = System.currentTimeMillis() / 1000;
        String tool = parsed.tool();
        Answer answer = tool != null && (endpoint == Endpoint.RESPONSES || endpoint == Endpoint.MESSAGES)
                ? ToolCallAnswer.plan(endpoint, state.nextId(endpoint), parsed.model(), created, tool,
                        parsed.maxTokens(), parsed.minTokens(), parsed.ignoreEos(), parsed.promptWords(),
                        parsed.promptHash(), state.options.seed(), state.options.naturalStop(),
                        parsed.includeUsage())
                : ApiAnswer.plan(parsed, state.nextId(endpoint), created, state.options.seed(),
                        state.options.reasoningTokens(), state.options.naturalStop());
        if (answer instanceof ApiAnswer a && state.options.cachedPromptTokens() > 0) {
            a.cachePrompt(state.options.cachedPromptTokens());
        }
        answer(req, keepAlive, answer, parsed.stream(), fault, arrivalNanos);
    }

    /** Image generation and edit, audio transcription: see {@link MediaRoutes}. */
    private void mediaInference(
            FullHttpRequest req, boolean keepAlive, Endpoint endpoint, HttpMethod method, long arrivalNanos) {
        state.outcomes.received();
        if (!method.equals(HttpMethod.POST)) {
            state.outcomes.rejected();
            methodNotAllowed(req, keepAlive, POST);
            return;
        }
        record(req, arrivalNanos);
        Answer answer;
        try {
            answer = MediaRoutes.plan(endpoint, req, state.nextId(endpoint), System.currentTimeMillis() / 1000);
        } catch (BadRequestException e) {
            state.outcomes.rejected();
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
            return;
        }
        boolean stream = MediaRoutes.streams(answer);
        ServerState.Fault fault = state.fault();
        if (injectFault(req, keepAlive, fault, stream)) {
            return;
        }
        answer(req, keepAlive, answer, stream, fault, arrivalNanos);
    }

    private void inference(
            FullHttpRequest req, boolean keepAlive, Endpoint endpoint, HttpMethod method, long arrivalNanos) {
        state.outcomes.received();
        if (!method.equals(HttpMethod.POST)) {
            state.outcomes.rejected();
            methodNotAllowed(req, keepAlive, POST);
            return;
        }
        InferenceRequest parsed;
        record(req, arrivalNanos);
        try {
            parsed = InferenceRequest.parse(endpoint, req.content());
        } catch (BadRequestException e) {
            state.outcomes.rejected();
            sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
            return;
        }
        if (overflowsContext(req, keepAlive, parsed.promptTokens(), parsed.maxTokens())) {
            return;
        }
        ServerState.Fault fault = state.fault();
        if (injectFault(req, keepAlive, fault, parsed.stream())) {
            return;
        }
        long created = System.currentTimeMillis() / 1000;
        boolean natural = state.options.naturalStop();
        String tool = endpoint == Endpoint.CHAT ? parsed.tool() : null;
        Answer answer = tool != null
                ? ToolCallAnswer.plan(endpoint, state.nextId(endpoint), parsed.model(), created, tool,
                        parsed.maxTokens(), parsed.minTokens(), parsed.ignoreEos(), parsed.promptTokens(),
                        parsed.promptHash(), state.options.seed(), natural, parsed.includeUsage())
                : endpoint == Endpoint.CHAT && state.options.reasoningTokens() > 0
                ? ApiAnswer.planChat(parsed, state.nextId(endpoint), created, state.options.seed(),
                        state.options.reasoningTokens(), natural)
                : Completion.plan(parsed, state.nextId(endpoint), created, state.options.seed(), natural);
        int cached = state.options.cachedPromptTokens();
        if (cached > 0) {
            if (answer instanceof Completion c) {
                c.cachePrompt(cached);
            } else if (answer instanceof ApiAnswer a) {
                a.cachePrompt(cached);
            }
        }
        answer(req, keepAlive, answer, parsed.stream(), fault, arrivalNanos);
    }

    /**
     * vLLM's refusal of a request longer than {@code --max-model-len}: HTTP 400 with its message,
     * which clients (AIPerf among them) recognise as a context overflow.
     */
    private boolean overflowsContext(FullHttpRequest req, boolean keepAlive, long promptTokens, int maxTokens) {
        int limit = state.options.maxModelLen();
        long asked = promptTokens + Math.max(0, maxTokens);
        if (limit <= 0 || asked <= limit) {
            return false;
        }
        state.outcomes.rejected();
        sendError(req, keepAlive, HttpResponseStatus.BAD_REQUEST, "BadRequestError", String.format(Locale.ROOT,
                "This model's maximum context length is %d tokens. However, you requested %d tokens"
                        + " (%d in the messages, %d in the completion). Please reduce the length of the"
                        + " messages or completion.", limit, asked, promptTokens, Math.max(0, maxTokens)));
        return true;
    }

    private void record(FullHttpRequest req, long arrivalNanos) {
        if (state.options.recordRequests() > 0) {
            Map<String, String> headers = new LinkedHashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            state.record(new ReceivedRequest(arrivalNanos, req.uri(), headers,
                    req.content().toString(StandardCharsets.UTF_8)));
        }
    }

    /** Answers with the fault instead of the answer; false when there is none to inject here. */
    private boolean injectFault(FullHttpRequest req, boolean keepAlive, ServerState.Fault fault, boolean stream) {
        // Each counted before its answer is written, so a client never sees an end not yet counted.
        if (fault == ServerState.Fault.ERROR_500) {
            state.outcomes.internalServerError();
            sendError(req, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, "server_error", INJECTED_ERROR);
            return true;
        }
        if (fault == ServerState.Fault.RATE_LIMIT_429) {
            state.outcomes.rateLimited();
            FullHttpResponse resp = Replies.rateLimited(req.protocolVersion(), keepAlive);
            connection.finished(null, keepAlive, ctx.writeAndFlush(resp));
            return true;
        }
        if (fault == ServerState.Fault.MALFORMED) {
            state.outcomes.malformed();
            FullHttpResponse resp = Replies.malformed(req.protocolVersion(), keepAlive, stream);
            connection.finished(null, keepAlive, ctx.writeAndFlush(resp));
            return true;
        }
        return false;
    }

    /** Starts producing an answer on the TTFT/ITL schedule, with the disconnect or slow-drip fault. */
    private void answer(FullHttpRequest req, boolean keepAlive, Answer answer, boolean stream,
            ServerState.Fault fault, long arrivalNanos) {
        boolean cut = fault == ServerState.Fault.DISCONNECT;
        Exchange exchange;
        if (fault == ServerState.Fault.SLOW_DRIP) {
            state.outcomes.slowDrip();
            exchange = new SlowDrip(ctx, state, connection, answer, stream, keepAlive, req.protocolVersion(),
                    state.load.admit(arrivalNanos, arrivalNanos, arrivalNanos, answer));
        } else {
            long scheduled = arrivalNanos + state.stallNanos();
            long ttft = state.ttftNanos;
            long itl = state.itlNanos;
            if (state.slots != null) {
                SaturationModel.Admission a = state.slots.admit(scheduled, answer.promptTokens(), answer.tokens());
                ttft = a.firstTokenNanos() - scheduled;
                itl = a.itlNanos();
            }
            ServerLoad.Request load = state.load.admit(arrivalNanos, scheduled, scheduled + ttft,
                    answer);
            if (stream) {
                // HTTP/1.0 has no chunked encoding, so the end of the stream is marked by closing.
                boolean chunked = req.protocolVersion().equals(HttpVersion.HTTP_1_1);
                exchange = new TokenStream(ctx, state, connection, answer, scheduled, ttft, itl,
                        keepAlive && chunked, cut ? Math.max(1, answer.tokens() / 2) : -1,
                        Objects.requireNonNullElse(req.headers().get("x-request-id"), ""), load);
            } else {
                exchange = new DelayedAnswer(ctx, state, connection, answer, scheduled, ttft, itl,
                        keepAlive, req.protocolVersion(), cut, load);
            }
        }
        connection.begin(exchange, req.protocolVersion());
    }

    private void fixed(FullHttpRequest req, boolean keepAlive, HttpMethod method, byte[] body) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            methodNotAllowed(req, keepAlive, GET_HEAD);
            return;
        }
        send(req, keepAlive, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body), null);
    }

    /** A Prometheus page: text exposition format 0.0.4. */
    private void page(FullHttpRequest req, boolean keepAlive, HttpMethod method, String text) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            methodNotAllowed(req, keepAlive, GET_HEAD);
            return;
        }
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, MetricsPages.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (req.method().equals(HttpMethod.HEAD)) {
            resp = resp.replace(Unpooled.EMPTY_BUFFER);
            body.release();
        }
        Replies.setConnection(resp, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            connection.closeAfter(f);
        }
    }

    private void methodNotAllowed(FullHttpRequest req, boolean keepAlive, AsciiString allow) {
        HttpResponseStatus status = HttpResponseStatus.METHOD_NOT_ALLOWED;
        String message = "Method " + req.method() + " is not allowed here; use " + allow;
        send(req, keepAlive, status, Replies.errorBody(status.code(), "invalid_request_error", message), allow);
    }

    private void sendError(
            FullHttpRequest req, boolean keepAlive, HttpResponseStatus status, String type, String message) {
        send(req, keepAlive, status, Replies.errorBody(status.code(), type, message), null);
    }

    private void send(FullHttpRequest req, boolean keepAlive, HttpResponseStatus status, ByteBuf body,
            @Nullable AsciiString allow) {
        FullHttpResponse resp = new DefaultFullHttpResponse(req.protocolVersion(), status, body);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, Replies.APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (allow != null) {
            h.set(HttpHeaderNames.ALLOW, allow);
        }
        if (req.method().equals(HttpMethod.HEAD)) {
            resp = resp.replace(Unpooled.EMPTY_BUFFER);
            body.release();
        }
        Replies.setConnection(resp, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            connection.closeAfter(f);
        }
    }
}
