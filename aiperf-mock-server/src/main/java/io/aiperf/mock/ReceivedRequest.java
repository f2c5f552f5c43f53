package io.aiperf.mock;

import java.util.Map;

/**
 * A request the mock server received, kept when {@link MockServerOptions.Builder#recordRequests}
 * asks for it, so tests can check exactly what a client sent and when.
 *
 * @param arrivalNanos {@link System#nanoTime()} when the request was fully read
 * @param path the request path
 * @param headers the request headers (names lower case)
 * @param body the request body as text
 */
public record ReceivedRequest(long arrivalNanos, String path, Map<String, String> headers,
    String body) {

    /**
     * Returns the protocol the request came over, the same in cleartext and over TLS.
     *
     * <p>Read from the {@code x-http2-stream-id} header that Netty's HTTP/2 to HTTP/1 conversion
     * adds to every request it turns into the HTTP objects the handlers answer.
     *
     * @return {@code "h2"} for HTTP/2 (h2c or ALPN {@code h2}), else {@code "HTTP/1.1"}
     */
    public String protocol() {
        return headers.containsKey("x-http2-stream-id") ? "h2" : "HTTP/1.1";
    }
}
