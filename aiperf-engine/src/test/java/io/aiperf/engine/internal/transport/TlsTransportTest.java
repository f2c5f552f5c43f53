package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import io.aiperf.mock.ReceivedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTPS against the mock server's TLS port: HTTP/1.1 by default, HTTP/2 when offered by ALPN, the
 * handshake reported as connection time and never inside the request's own latency.
 */
final class TlsTransportTest {
  private static final byte[] CHAT = ("{\"model\":\"demo\",\"stream\":true,\"max_tokens\":5,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
  private final List<AutoCloseable> resources = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : resources) {
      c.close();
    }
  }

  private MockLlmServer mock(Duration ttft, Duration itl) {
    MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(ttft).itl(itl).tls(true).recordRequests(1_000).build());
    resources.add(server);
    return server;
  }

  private TransportProvider.Transport transport(String url, TransportProvider.Tls tls) {
    URI uri = URI.create(url);
    TransportProvider.Transport t = HttpTransportProvider.open(new TransportProvider.Options(uri,
        Map.of("Accept", "text/event-stream"), 1, Duration.ofSeconds(5), 100, List.of(), tls),
        NanoClock.SYSTEM);
    resources.add(t);
    return t;
  }

  private static TransportProvider.Tls trusting(MockLlmServer server, boolean http2) {
    return new TransportProvider.Tls(server.certificatePem().orElseThrow(), false, http2);
  }

  /** Records what the listener heard. */
  private static final class Heard implements ResponseListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Long> bodyNanos = Collections.synchronizedList(new ArrayList<>());
    volatile long sentNanos;
    volatile long waitNanos;
    volatile boolean ended;
    volatile TransportProvider.HttpTrace trace;

    @Override
    public void onRequestSent(long waitNanos, boolean connectionReused, long startNanos) {
      this.waitNanos = waitNanos;
      sentNanos = startNanos;
      events.add("sent");
    }

    @Override
    public void onResponseStart(int status, String contentType, long nanos) {
      events.add("status " + status);
    }

    @Override
    public void onBody(ByteBuffer data, long nanos) {
      bodyNanos.add(nanos);
    }

    @Override
    public void onTrace(TransportProvider.HttpTrace trace) {
      this.trace = trace;
    }

    @Override
    public void onComplete(long nanos) {
      events.add("complete");
      ended = true;
    }

    @Override
    public void onError(String type, String message, long nanos) {
      events.add("error " + type + ": " + message);
      ended = true;
    }
  }

  private static Heard send(TransportProvider.Transport t, Duration timeout, long cancelAfter) {
    Heard heard = new Heard();
    t.send(new TransportProvider.Request("/v1/chat/completions", "id", "corr", CHAT, timeout,
        cancelAfter), heard);
    return heard;
  }

  private static Heard done(Heard heard) {
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.ended);
    return heard;
  }

  @ParameterizedTest(name = "http2 offered: {0}")
  @ValueSource(booleans = {false, true})
  void handshake_isConnectionTime_andTheStartStampFollowsIt(boolean http2) {
    MockLlmServer server = mock(Duration.ofMillis(60), Duration.ofMillis(5));
    var t = transport(server.baseUrl(), trusting(server, http2));
    Heard first = done(send(t, Duration.ofSeconds(10), -1));

    assertThat(first.events).containsExactly("sent", "status 200", "complete");
    assertThat(server.receivedRequests()).extracting(ReceivedRequest::protocol)
        .containsExactly(http2 ? "h2" : "HTTP/1.1");
    // The handshake is measured, and the request waited for it: the start stamp comes after.
    assertThat(first.trace.tlsNanos()).isPositive();
    assertThat(first.trace.connectionReused()).isFalse();
    assertThat(first.waitNanos).isGreaterThanOrEqualTo(
        first.trace.connectingNanos() + first.trace.tlsNanos());
    // The mock got the request after the start stamp, and its first token came a TTFT later.
    ReceivedRequest received = server.receivedRequests().get(0);
    assertThat(received.arrivalNanos()).isGreaterThanOrEqualTo(first.sentNanos);
    long firstToken = first.bodyNanos.stream().filter(n -> n - received.arrivalNanos()
        >= 60_000_000L).findFirst().orElseThrow() - first.sentNanos;
    // The first TLS request of the JVM runs cold code: the upper bound leaves it room. A start
    // stamp taken before the handshake is caught above (the wait would not cover it).
    assertThat(firstToken).isBetween(60_000_000L, 60_000_000L + 200_000_000L);

    Heard second = done(send(t, Duration.ofSeconds(10), -1));
    assertThat(second.events).endsWith("complete");
    assertThat(second.trace.connectionReused()).isTrue();
    assertThat(second.trace.tlsNanos()).isZero();
  }

  @Test
  void http2OverTls_multiplexesStreams_onOneConnection() {
    MockLlmServer server = mock(Duration.ofMillis(300), Duration.ofMillis(5));
    var t = transport(server.baseUrl(), trusting(server, true));
    assertThat(done(send(t, Duration.ofSeconds(30), -1)).events).endsWith("complete");
    List<Heard> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(send(t, Duration.ofSeconds(30), -1));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().allMatch(h -> h.ended));
    // All 200 in flight at once (TTFT 300 ms) on the connection the first request opened: no
    // new connection, no wait for one (HTTP/1.1 would have opened 100 and queued the rest).
    assertThat(all).allSatisfy(h -> {
      assertThat(h.events).endsWith("complete");
      assertThat(h.trace.connectionReused()).isTrue();
      assertThat(h.trace.blockedNanos()).isZero();
    });
    assertThat(server.receivedRequests()).extracting(ReceivedRequest::protocol)
        .containsOnly("h2");
  }

  @Test
  void http2OverTls_timeoutAndCancel_endOnlyTheirStream() {
    MockLlmServer server = mock(Duration.ofSeconds(3), Duration.ofMillis(10));
    var t = transport(server.baseUrl(), trusting(server, true));
    assertThat(done(send(t, Duration.ofSeconds(10), 1_000_000L)).events).last().asString()
        .startsWith("error RequestCancellationError"); // opens the connection
    Heard slow = send(t, Duration.ofMillis(500), -1);
    Heard cancelled = send(t, Duration.ofSeconds(10), 100_000_000L);
    Heard patient = send(t, Duration.ofSeconds(10), -1);
    assertThat(done(slow).events).last().asString()
        .isEqualTo("error Timeout: No complete response within the request timeout of 0.500 s");
    assertThat(done(cancelled).events).last().asString()
        .startsWith("error RequestCancellationError: Cancelled by aiperf 0.100 s");
    assertThat(done(patient).events).endsWith("complete");
    // The one connection survived the resets of the others.
    assertThat(List.of(slow, cancelled, patient))
        .allSatisfy(h -> assertThat(h.trace.connectionReused()).isTrue());
  }

  @ParameterizedTest(name = "http2 offered: {0}")
  @ValueSource(booleans = {false, true})
  void anUntrustedServer_isATlsError_unlessVerificationIsOff(boolean http2) {
    MockLlmServer server = mock(Duration.ofMillis(10), Duration.ofMillis(1));
    Heard refused = done(send(transport(server.baseUrl(),
        new TransportProvider.Tls(null, false, http2)), Duration.ofSeconds(10), -1));
    assertThat(refused.events).singleElement().asString()
        .startsWith("error TLSError: TLS handshake with 127.0.0.1:" + port(server) + " failed");
    assertThat(server.receivedRequests()).isEmpty();

    // Another server's certificate is not this one's.
    MockLlmServer other = mock(Duration.ofMillis(10), Duration.ofMillis(1));
    Heard wrongCa = done(send(transport(server.baseUrl(), trusting(other, http2)),
        Duration.ofSeconds(10), -1));
    assertThat(wrongCa.events).singleElement().asString().startsWith("error TLSError");

    Heard insecure = done(send(transport(server.baseUrl(),
        new TransportProvider.Tls(null, true, http2)), Duration.ofSeconds(10), -1));
    assertThat(insecure.events).endsWith("complete");
  }

  @Test
  void aCaFileThatIsNoCertificate_failsToOpen_namingTheFile() throws IOException {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThatThrownBy(() -> transport("https://127.0.0.1:1",
        new TransportProvider.Tls(notPem, false, false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot read the CA certificate " + notPem);
  }

  @Test
  void http2Offered_toAnHttp1OnlyServer_runsTheRequestsAsHttp1() throws Exception {
    Http1TlsServer server = new Http1TlsServer(dir);
    resources.add(server);
    var t = transport("https://127.0.0.1:" + server.port(),
        new TransportProvider.Tls(server.certificatePem, false, true));
    Heard first = done(send(t, Duration.ofSeconds(10), -1));
    Heard second = done(send(t, Duration.ofSeconds(10), -1));
    assertThat(first.events).containsExactly("sent", "status 200", "complete");
    assertThat(second.events).containsExactly("sent", "status 200", "complete");
    // The server saw HTTP/1.1 request lines, after a handshake where it chose http/1.1.
    assertThat(server.requestLines).hasSize(2)
        .allSatisfy(line -> assertThat(line).isEqualTo("POST /v1/chat/completions HTTP/1.1"));
    assertThat(server.offered).first().asList().containsExactly("h2", "http/1.1");
  }

  private static int port(MockLlmServer server) {
    return URI.create(server.baseUrl()).getPort();
  }

  /**
   * A TLS server that speaks only HTTP/1.1 and picks it by ALPN whatever is offered, with a
   * certificate keytool makes for 127.0.0.1; answers each request and closes the connection.
   */
  private static final class Http1TlsServer implements AutoCloseable {
    final Path certificatePem;
    final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> offered = Collections.synchronizedList(new ArrayList<>());
    private final SSLServerSocket socket;
    private final Thread thread;

    Http1TlsServer(Path dir) throws Exception {
      Path store = dir.resolve("server.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(keytool, "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
          "-storepass", "secret", "-alias", "s", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
          "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
      certificatePem = dir.resolve("server.pem");
      run(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storepass",
          "secret", "-alias", "s", "-file", certificatePem.toString());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, "secret".toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "secret".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
          InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "http1-tls-server");
      thread.setDaemon(true);
      thread.start();
    }

    private static void run(String... command) throws Exception {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          s.setHandshakeApplicationProtocolSelector((engine, protocols) -> {
            offered.add(List.copyOf(protocols));
            return protocols.contains("http/1.1") ? "http/1.1" : null;
          });
          SSLParameters params = s.getSSLParameters();
          s.setSSLParameters(params);
          answer(s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
          // a client that left after the handshake (the HTTP/2 probe), or the server closing
        }
      }
    }

    private void answer(InputStream in, OutputStream out) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        head.write(c);
        byte[] b = head.toByteArray();
        int n = b.length;
        if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r'
            && b[n - 1] == '\n') {
          break;
        }
      }
      if (c < 0) {
        return;
      }
      String headers = head.toString(StandardCharsets.US_ASCII);
      requestLines.add(headers.substring(0, headers.indexOf("\r\n")));
      int length = 0;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      in.readNBytes(length);
      byte[] body = "data: {}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
