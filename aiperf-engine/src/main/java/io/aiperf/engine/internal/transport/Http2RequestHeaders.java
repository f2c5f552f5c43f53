package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Request;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HEADERS of a request, from parts made once per transport (names, path, authority), so
 * little is built between the start stamp and the write.
 */
final class Http2RequestHeaders {
  private static final AsciiString USER_AGENT = AsciiString.cached("aiperf-java/0.1.0");
  private static final AsciiString POST = AsciiString.cached("POST");
  private static final AsciiString JSON = AsciiString.cached("application/json");
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString X_CORRELATION_ID = AsciiString.cached("x-correlation-id");

  private final Target target;
  private final AsciiString scheme;
  private final AsciiString authority;
  /** The configured headers with lower-case names, as HTTP/2 requires. */
  private final List<Map.Entry<AsciiString, String>> fixed = new ArrayList<>();
  private final Map<String, AsciiString> paths = new ConcurrentHashMap<>();
  private final boolean ownContentType;

  Http2RequestHeaders(Target target, boolean tls, Map<String, String> headers) {
    this.target = target;
    this.scheme = AsciiString.cached(tls ? "https" : "http");
    this.authority = new AsciiString(target.authority);
    headers.forEach((k, v) -> fixed.add(Map.entry(new AsciiString(k.toLowerCase(Locale.ROOT)),
        v)));
    // A format with its own body type (a multipart upload) names it; JSON otherwise.
    this.ownContentType = Target.namesContentType(headers);
  }

  Http2Headers of(Request request) {
    Http2Headers headers = new DefaultHttp2Headers(false)
        .method(POST).scheme(scheme).authority(authority)
        .path(paths.computeIfAbsent(request.path(), p -> new AsciiString(target.path(p))));
    headers.add(HttpHeaderNames.USER_AGENT, USER_AGENT);
    if (!ownContentType) {
      headers.add(HttpHeaderNames.CONTENT_TYPE, JSON);
    }
    for (int i = 0, n = fixed.size(); i < n; i++) {
      headers.add(fixed.get(i).getKey(), fixed.get(i).getValue());
    }
    headers.add(X_REQUEST_ID, request.requestId());
    headers.add(X_CORRELATION_ID, request.correlationId());
    headers.addInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
    return headers;
  }
}
