package io.aiperf.api.spi;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * Moves bytes to and from the server; {@code http} (Netty, HTTP/1.1 keep-alive) is built in. Its
 * {@link #name()} is the URL scheme family it serves.
 *
 * @since 0.1.0
 */
public interface TransportProvider extends Plugin {
  /**
   * Tells whether this transport serves a URL.
   *
   * @param uri the server URL
   * @return true if it can
   */
  boolean supports(URI uri);

  /**
   * Opens a transport to one server. It owns its threads and connections until closed.
   *
   * @param options the transport options
   * @return the transport
   */
  Transport open(Options options);

  /**
   * Transport options.
   *
   * @param baseUri the server's base URL
   * @param headers headers sent with every request (secrets included; never log them)
   * @param ioThreads threads for network I/O
   * @param connectTimeout bound on opening one connection
   * @param maxConnections connections this transport may hold open; requests beyond wait for one
   *     (and that wait is reported as connection time)
   * @param sourceAddresses local addresses to open connections from, in turn; empty for the
   *     system's choice
   * @param tls how to check the server and which protocols to offer, for {@code https} URLs
   * @param realtimeIo whether the I/O threads should ask for real-time priority while they are
   *     mostly idle, so that they read (and stamp) the moment a socket is readable even on a busy
   *     machine; a hint that a transport may ignore
   * @since 0.1.0
   */
  record Options(URI baseUri, Map<String, String> headers, int ioThreads,
      Duration connectTimeout, int maxConnections, java.util.List<java.net.InetAddress>
          sourceAddresses, Tls tls, boolean realtimeIo) {
    /**
     * Copies the headers and addresses.
     *
     * @param baseUri the server's base URL
     * @param headers headers sent with every request (secrets included; never log them)
     * @param ioThreads threads for network I/O
     * @param connectTimeout bound on opening one connection
     * @param maxConnections connections this transport may hold open; requests beyond wait for
     *     one (and that wait is reported as connection time)
     * @param sourceAddresses local addresses to open connections from, in turn; empty for the
     *     system's choice
     * @param tls how to check the server and which protocols to offer, for {@code https} URLs
     * @param realtimeIo whether the I/O threads should ask for real-time priority
     */
    public Options {
      headers = Map.copyOf(headers);
      sourceAddresses = java.util.List.copyOf(sourceAddresses);
      java.util.Objects.requireNonNull(tls, "tls");
    }

    /**
     * Options with ordinary-priority I/O threads.
     *
     * @param baseUri the server's base URL
     * @param headers headers sent with every request (secrets included; never log them)
     * @param ioThreads threads for network I/O
     * @param connectTimeout bound on opening one connection
     * @param maxConnections connections this transport may hold open
     * @param sourceAddresses local addresses to open connections from, in turn
     * @param tls how to check the server and which protocols to offer, for {@code https} URLs
     */
    public Options(URI baseUri, Map<String, String> headers, int ioThreads,
        Duration connectTimeout, int maxConnections,
        java.util.List<java.net.InetAddress> sourceAddresses, Tls tls) {
      this(baseUri, headers, ioThreads, connectTimeout, maxConnections, sourceAddresses, tls,
          false);
    }

    /**
     * Options with the default TLS settings (verify with the JVM's trust store, HTTP/1.1 only).
     *
     * @param baseUri the server's base URL
     * @param headers headers sent with every request
     * @param ioThreads threads for network I/O
     * @param connectTimeout bound on opening one connection
     * @param maxConnections connections this transport may hold open
     * @param sourceAddresses local addresses to open connections from, in turn
     */
    public Options(URI baseUri, Map<String, String> headers, int ioThreads,
        Duration connectTimeout, int maxConnections,
        java.util.List<java.net.InetAddress> sourceAddresses) {
      this(baseUri, headers, ioThreads, connectTimeout, maxConnections, sourceAddresses,
          Tls.DEFAULT);
    }

    /**
     * Options that leave the source address to the system.
     *
     * @param baseUri the server's base URL
     * @param headers headers sent with every request
     * @param ioThreads threads for network I/O
     * @param connectTimeout bound on opening one connection
     * @param maxConnections connections this transport may hold open
     */
    public Options(URI baseUri, Map<String, String> headers, int ioThreads,
        Duration connectTimeout, int maxConnections) {
      this(baseUri, headers, ioThreads, connectTimeout, maxConnections, java.util.List.of());
    }
  }

  /**
   * TLS settings for {@code https} URLs.
   *
   * @param trustPem a PEM file of CA certificates to trust instead of the JVM's trust store; null
   *     for the JVM's
   * @param insecure skip verifying the server's certificate and host name
   * @param http2 offer h2 and http/1.1 by ALPN (the server picks); false offers http/1.1 only
   * @since 0.1.0
   */
  record Tls(java.nio.file.@org.jspecify.annotations.Nullable Path trustPem, boolean insecure,
      boolean http2) {
    /** Verify with the JVM's trust store, offer HTTP/1.1 only. */
    public static final Tls DEFAULT = new Tls(null, false, false);
  }

  /**
   * One request to send.
   *
   * @param path the request path
   * @param requestId the value of the {@code X-Request-ID} header, unique per request
   * @param correlationId the value of the {@code X-Correlation-ID} header, one per session
   * @param body the request body, already formatted
   * @param timeout bound on the whole exchange
   * @param cancelAfterNanos end the exchange as cancelled this long after the request was fully
   *     written (AIPerf's request cancellation); -1 for never
   * @since 0.1.0
   */
  record Request(String path, String requestId, String correlationId, byte[] body,
      Duration timeout, long cancelAfterNanos) {}

  /**
   * An open transport. {@link #send} is non-blocking and thread-safe.
   *
   * @since 0.1.0
   */
  interface Transport extends AutoCloseable {
    /**
     * Sends one POST request; the listener hears about it on an I/O thread.
     *
     * @param request the request
     * @param listener receives the timestamps and bytes
     */
    void send(Request request, ResponseListener listener);

    /**
     * Ends every exchange still in flight with an {@code onError} of type
     * {@code RequestCancellationError}, so a cancelled run does not wait for slow responses.
     *
     * @param reason why, for the error message
     */
    void cancelInFlight(String reason);

    /**
     * How late the transport's I/O threads ran their timers since it opened: a busy I/O thread
     * reads sockets late, which delays every timestamp it takes. A transport that cannot tell
     * returns empty.
     *
     * @return the lag so far, or empty
     */
    default java.util.Optional<LoopLag> loopLag() {
      return java.util.Optional.empty();
    }

    /**
     * Forgets the lag measured so far, so that {@link #loopLag()} covers only what follows: called
     * when the profiling phase begins, since a stall during warm-up delayed no profiled stamp. A
     * transport that does not measure lag ignores it.
     *
     * @since 0.1.0
     */
    default void restartLoopLag() {}

    /**
     * Opens connections before the run's clock starts, so that the first requests find them
     * ready, as later ones do: otherwise the server's accepting of a whole first wave of new
     * connections at once lands in those requests' time to first token, though the server's own
     * clock starts only when it reads each request. Connections that fail to open are not an
     * error here (the run reports the server's failures itself); nothing is retried.
     *
     * @param connections how many to open in all (a transport that multiplexes requests on a
     *     connection may open fewer)
     * @return completes, never exceptionally, with the number opened once each attempt has
     *     ended; a transport that keeps no connections completes at once with 0
     * @since 0.1.0
     */
    default java.util.concurrent.CompletionStage<Integer> preconnect(int connections) {
      return java.util.concurrent.CompletableFuture.completedFuture(0);
    }

    /** Closes every connection and stops the I/O threads. */
    @Override
    void close();
  }

  /**
   * How late I/O threads ran a timer that should have fired at a fixed rate.
   *
   * @param samples timer runs observed
   * @param p99Nanos the 99th percentile lateness
   * @param maxNanos the largest lateness
   * @since 0.1.0
   */
  record LoopLag(long samples, long p99Nanos, long maxNanos) {}

  /**
   * Where the time of one exchange went, in the phases k6 and AIPerf name ({@code http_req_*}).
   * Durations are nanoseconds; a phase that did not happen (e.g. connecting on a reused
   * connection) is 0.
   *
   * @param blockedNanos waiting for a free connection under the connection cap
   * @param connectingNanos opening the TCP connection
   * @param tlsNanos the TLS handshake
   * @param sendingNanos writing the request, from the first byte to the socket accepting the last
   * @param waitingNanos from the request sent to the first response byte (time to first byte)
   * @param receivingNanos from the first to the last response byte
   * @param connectionReused whether a kept-alive connection carried the request
   * @param bytesSent request bytes written
   * @param bytesReceived response bytes read (as on the wire, TLS included)
   * @param readsReceived network reads that carried the response
   * @param dnsLookupNanos resolving the server's name for this request's connection; 0 when none
   *     was resolved for it (an address, a reused connection, or a name resolved once when the
   *     transport opened)
   * @param writesSent buffers or frames the request was written in
   * @since 0.1.0
   */
  record HttpTrace(long blockedNanos, long connectingNanos, long tlsNanos, long sendingNanos,
      long waitingNanos, long receivingNanos, boolean connectionReused, long bytesSent,
      long bytesReceived, int readsReceived, long dnsLookupNanos, int writesSent) {}

  /**
   * Hears about one exchange. Every timestamp is {@link System#nanoTime()} taken at the socket:
   * before the request bytes are written, and once per network read before any parsing.
   *
   * @since 0.1.0
   */
  interface ResponseListener {
    /**
     * The request bytes are about to be written.
     *
     * @param connectionWaitNanos time spent getting a connection (0 when one was idle in the pool)
     * @param connectionReused whether an existing keep-alive connection carried the request
     * @param startNanos when writing started
     */
    void onRequestSent(long connectionWaitNanos, boolean connectionReused, long startNanos);

    /**
     * The response status line and headers arrived.
     *
     * @param status the HTTP status
     * @param contentType the Content-Type header, or {@code ""}
     * @param nanos the read's timestamp
     */
    void onResponseStart(int status, String contentType, long nanos);

    /**
     * Body bytes arrived (transfer encoding already removed). The buffer is only valid during the
     * call.
     *
     * @param data the bytes
     * @param nanos the timestamp of the network read that carried them
     */
    void onBody(ByteBuffer data, long nanos);

    /**
     * The exchange's HTTP timings, sent once just before {@link #onComplete} or {@link #onError}.
     *
     * @param trace the timings
     */
    default void onTrace(HttpTrace trace) {}

    /**
     * The response ended.
     *
     * @param nanos the timestamp of the read that ended it
     */
    void onComplete(long nanos);

    /**
     * The exchange failed; no more calls follow.
     *
     * @param type the error type, e.g. {@code ConnectionError}, {@code Timeout}
     * @param message what happened
     * @param nanos when it was noticed
     */
    void onError(String type, String message, long nanos);
  }
}
