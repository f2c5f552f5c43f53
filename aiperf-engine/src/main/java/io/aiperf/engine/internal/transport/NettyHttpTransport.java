package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.Options;
import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 client on Netty, built for measurement.
 *
 * <ul>
 *   <li>Requests are written as pre-encoded bytes (request line, headers, body), so nothing is
 *       encoded between the start stamp and the socket write.
 *   <li>A "timing" handler first in the pipeline stamps each network read once, before TLS, HTTP
 *       decoding or SSE framing; every piece decoded from that read carries that stamp.
 *   <li>Responses are decoded by {@link Http1ResponseDecoder} straight from the read's buffer (in
 *       each connection's {@link Http1ClientHandler}): a streamed chunk reaches the listener with
 *       no message object or buffer slice made for it.
 *   <li>Keep-alive connections are pooled per event loop ({@link Http1Loop}) and touched only by
 *       that loop, so the pool needs no locks. Getting a connection (TCP connect and TLS
 *       handshake included) is reported apart from the request; the start stamp is taken when the
 *       connection is ready to write.
 *   <li>A reused connection that the server closed while idle is retried once on a new connection
 *       before any response byte arrived, so keep-alive races are not reported as server errors.
 * </ul>
 */
final class NettyHttpTransport implements Transport {
  private static final String USER_AGENT = "aiperf-java/0.1.0";

  private final IoThreads threads;
  private final Http1Loop[] loops;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final Target target;
  private final String fixedHeaders;
  private final String contentType;
  private final Map<String, byte[]> requestPrefixes = new ConcurrentHashMap<>();

  NettyHttpTransport(Options options, NanoClock clock) {
    URI uri = options.baseUri();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    this.target = new Target(options, https ? 443 : 80, clock);
    StringBuilder headers = new StringBuilder();
    options.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append("\r\n"));
    this.fixedHeaders = headers.toString();
    // A format with its own body type (a multipart upload) names it; JSON otherwise.
    this.contentType = Target.namesContentType(options.headers()) ? ""
        : "Content-Type: application/json\r\n";
    // Offers http/1.1 only: with HTTP/2 asked for, AlpnTransport sends here once the server
    // picked http/1.1, and new connections need not offer h2 again.
    @Nullable SslContext ssl = https ? ClientTls.context(uri, options.tls(), false) : null;
    this.threads = new IoThreads(options.ioThreads(), "aiperf-io", options.realtimeIo());
    int perLoop = threads.perLoop(options.maxConnections());
    this.loops = threads.eventLoops().stream()
        .map(e -> new Http1Loop(threads, e, options.connectTimeout(), perLoop, target, ssl, clock))
        .toArray(Http1Loop[]::new);
  }

  /** The fixed bytes of the per-request header lines: names, separators and the blank line. */
  private static final int REQUEST_TAIL_BYTES =
      "X-Request-ID: \r\nX-Correlation-ID: \r\nContent-Length: \r\n\r\n".length();

  @Override
  public void send(Request request, ResponseListener listener) {
    // The caller is often the pacing thread: hand over at once, build the bytes on the loop.
    Http1Loop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    loop.eventLoop.execute(() -> loop.begin(exchange(request, listener)));
  }

  private Http1Exchange exchange(Request request, ResponseListener listener) {
    byte[] prefix = requestPrefixes.computeIfAbsent(request.path(), this::prefixFor);
    byte[] body = request.body();
    String requestId = request.requestId();
    String correlationId = request.correlationId();
    String length = Integer.toString(body.length);
    // One pooled direct buffer: epoll writes it as it is, where a heap or composite buffer was
    // first copied into a direct one (through a merged heap copy), on the loop, per request.
    ByteBuf bytes = ByteBufAllocator.DEFAULT.directBuffer(prefix.length + REQUEST_TAIL_BYTES
        + requestId.length() + correlationId.length() + length.length() + body.length);
    bytes.writeBytes(prefix);
    bytes.writeCharSequence("X-Request-ID: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(requestId, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\nX-Correlation-ID: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(correlationId, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\nContent-Length: ", StandardCharsets.US_ASCII);
    bytes.writeCharSequence(length, StandardCharsets.US_ASCII);
    bytes.writeCharSequence("\r\n\r\n", StandardCharsets.US_ASCII);
    bytes.writeBytes(body);
    Http1Exchange exchange = new Http1Exchange(bytes, listener, request.timeout().toNanos());
    exchange.cancelAfterNanos = request.cancelAfterNanos();
    return exchange;
  }

  private byte[] prefixFor(String path) {
    return ("POST " + target.path(path) + " HTTP/1.1\r\nHost: " + target.authority
        + "\r\nUser-Agent: " + USER_AGENT
        + "\r\n" + contentType + fixedHeaders)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public CompletionStage<Integer> preconnect(int connections) {
    List<CompletableFuture<Integer>> opening = new ArrayList<>(loops.length);
    for (int i = 0; i < loops.length; i++) {
      // Requests go to the loops in turn, so each gets its share of the connections.
      int share = connections / loops.length + (i < connections % loops.length ? 1 : 0);
      Http1Loop loop = loops[i];
      CompletableFuture<Integer> opened = new CompletableFuture<>();
      loop.eventLoop.execute(() -> loop.preconnect(share, opened));
      opening.add(opened);
    }
    return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
        .thenApply(v -> opening.stream().mapToInt(CompletableFuture::join).sum());
  }

  @Override
  public void cancelInFlight(String reason) {
    for (Http1Loop loop : loops) {
      loop.eventLoop.execute(() -> loop.cancelAll(reason));
    }
  }

  @Override
  public java.util.Optional<TransportProvider.LoopLag> loopLag() {
    return LoopLagProbe.combined(java.util.Arrays.stream(loops).map(l -> l.lag).toList());
  }

  @Override
  public void restartLoopLag() {
    LoopLagProbe.restart(java.util.Arrays.stream(loops).map(l -> l.lag).toList());
  }

  @Override
  public void close() {
    threads.close();
  }
}
