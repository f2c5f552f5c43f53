package io.aiperf.mock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The fixed pieces of the server's HTTP answers: content types, OpenAI-style error bodies, the
 * {@code Connection} header, and the whole replies of the faults answered at once (429 and
 * malformed bytes). Builds responses only; writing them is the caller's.
 */
final class Replies {

    static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");

    private Replies() {}

    /** An OpenAI-style error object. */
    static ByteBuf errorBody(int code, String type, String message) {
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(message));
        return Unpooled.copiedBuffer("{\"error\":{\"message\":\"" + escaped + "\",\"type\":\"" + type
                + "\",\"code\":" + code + "}}", StandardCharsets.UTF_8);
    }

    static void setConnection(HttpResponse resp, boolean keepAlive) {
        if (!keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (resp.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** The rate-limit fault: 429 with {@code Retry-After: 1}. */
    static FullHttpResponse rateLimited(HttpVersion version, boolean keepAlive) {
        FullHttpResponse resp = new DefaultFullHttpResponse(version,
                HttpResponseStatus.TOO_MANY_REQUESTS,
                errorBody(429, "rate_limit_error", "Mock server injected rate limit"));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes())
                .set(HttpHeaderNames.RETRY_AFTER, "1");
        setConnection(resp, keepAlive);
        return resp;
    }

    /**
     * The malformed fault: a 200 answer that is not a response, broken JSON or an event stream of
     * garbage with no data line, so a client must turn it into a typed error rather than crash or
     * count it.
     */
    static FullHttpResponse malformed(HttpVersion version, boolean keepAlive, boolean stream) {
        String text = stream
                ? ": mock server injected garbage\n\nevent: ping\nretry: x\n\n\u00ff\u00fe garbage\n\n"
                : "{\"id\": \"broken\", \"choices\": [{\"message\": ";
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, stream ? EVENT_STREAM : APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        setConnection(resp, keepAlive);
        return resp;
    }
}
