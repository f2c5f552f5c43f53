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
    String body) {}
