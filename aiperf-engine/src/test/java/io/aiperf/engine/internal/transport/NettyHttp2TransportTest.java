package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The h2c transport against the mock server, which speaks h2c on its HTTP/1.1 port. */
final class NettyHttp2TransportTest {
  private static final byte[] CHAT = ("{\"model\":\"demo\",\"stream\":true,\"max_tokens\":5,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : resources) {
      c.close();
    }
  }

  private MockLlmServer mock(Duration ttft, Duration itl) {
    MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(ttft).itl(itl).build());
    resources.add(server);
    return server;
  }

  private TransportProvider.Transport transport(String url) {
    return transport(url, 100);
  }

  private TransportProvider.Transport transport(String url, int maxConnections) {
    URI uri = URI.create(url);
    var provider = new HttpTransportProvider();
    assertThat(provider.supports(uri)).isTrue();
    TransportProvider.Transport t = provider.open(new TransportProvider.Options(uri,
        Map.of("Accept", "text/event-stream"), 1, Duration.ofSeconds(5), maxConnections));
    resources.add(t);
    return t;
  }

  private static String h2c(MockLlmServer server) {
    return server.baseUrl().replace("http://", "h2c://");
  }

  /** Records what the listener heard. */
  private static final class Heard implements ResponseListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final StringBuilder body = new StringBuilder();
    final List<Long> bodyNanos = Collections.synchronizedList(new ArrayList<>());
    volatile long sentNanos;
    volatile boolean ended;
    volatile TransportProvider.HttpTrace trace;

    @Override
    public void onRequestSent(long waitNanos, boolean connectionReused, long startNanos) {
      sentNanos = startNanos;
      events.add("sent");
    }

    @Override
    public void onResponseStart(int status, String contentType, long nanos) {
      events.add("status " + status + " " + contentType);
    }

    @Override
    public void onBody(ByteBuffer data, long nanos) {
      synchronized (body) {
        body.append(StandardCharsets.UTF_8.decode(data));
      }
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

  @Test
  void streamsTheSameEventsAsHttp1_onTheMockSchedule() {
    MockLlmServer server = mock(Duration.ofMillis(50), Duration.ofMillis(10));
    Heard h2 = done(send(transport(h2c(server)), Duration.ofSeconds(10), -1));
    Heard h1 = done(send(transport(server.baseUrl()), Duration.ofSeconds(10), -1));

    assertThat(h2.events).containsExactly("sent", "status 200 text/event-stream", "complete");
    // Same generator, same seed: the same words; ids and timestamps differ per request.
    assertThat(h2.body.toString().replaceAll("\"(id|created)\":[^,]*,", ""))
        .isEqualTo(h1.body.toString().replaceAll("\"(id|created)\":[^,]*,", ""));
    assertThat(h2.body.toString()).contains("data: [DONE]");
    long firstToken = h2.bodyNanos.stream().filter(n -> n - h2.sentNanos >= 50_000_000L)
        .findFirst().orElseThrow();
    assertThat(firstToken - h2.sentNanos).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(h2.trace.bytesReceived()).isGreaterThan(0);
    assertThat(h2.trace.bytesSent()).isEqualTo(CHAT.length);
  }

  @Test
  void manyStreams_shareAFewConnections() {
    MockLlmServer server = mock(Duration.ofMillis(300), Duration.ofMillis(5));
    // Three connections for 2,500 requests: over HTTP/1.1 most would wait for a connection.
    var t = transport(h2c(server), 3);
    List<Heard> all = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      all.add(send(t, Duration.ofSeconds(30), -1));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().allMatch(h -> h.ended));
    assertThat(all).allSatisfy(h -> {
      assertThat(h.events).endsWith("complete");
      assertThat(h.trace.blockedNanos()).isZero();
    });
  }

  @Test
  void timeout_resetsOnlyItsStream() {
    MockLlmServer server = mock(Duration.ofSeconds(3), Duration.ofMillis(10));
    var t = transport(h2c(server));
    Heard slow = send(t, Duration.ofMillis(300), -1);
    Heard patient = send(t, Duration.ofSeconds(10), -1);
    done(slow);
    // The mock sends its headers at once and the first token after the TTFT.
    assertThat(slow.events).containsExactly("sent", "status 200 text/event-stream",
        "error Timeout: No complete response within the request timeout of 0.300 s");
    done(patient);
    assertThat(patient.events).endsWith("complete");
  }

  @Test
  void cancelAfter_andCancelInFlight_endTheStreamAsCancelled() {
    MockLlmServer server = mock(Duration.ofSeconds(3), Duration.ofMillis(10));
    var t = transport(h2c(server));
    Heard cancelled = done(send(t, Duration.ofSeconds(10), 100_000_000L));
    assertThat(cancelled.events.get(cancelled.events.size() - 1))
        .startsWith("error RequestCancellationError: Cancelled by aiperf 0.100 s");
    Heard inFlight = send(t, Duration.ofSeconds(10), -1);
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.events.contains("sent"));
    t.cancelInFlight("the run was cancelled");
    done(inFlight);
    assertThat(inFlight.events).last().asString()
        .isEqualTo("error RequestCancellationError: the run was cancelled");
  }

  @Test
  void serverGoneMidStream_isConnectionClosed_andNoServerIsConnectionError() throws Exception {
    MockLlmServer server = mock(Duration.ofSeconds(3), Duration.ofMillis(10));
    var t = transport(h2c(server));
    Heard cut = send(t, Duration.ofSeconds(10), -1);
    await().atMost(Duration.ofSeconds(5)).until(() -> cut.events.contains("sent"));
    Thread.sleep(100);
    server.close();
    done(cut);
    assertThat(cut.events).last().asString().startsWith("error ConnectionClosed");

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Heard refused = done(send(transport("h2c://127.0.0.1:" + port), Duration.ofSeconds(5), -1));
    assertThat(refused.events).last().asString().startsWith("error ConnectionError: Cannot connect");
  }

  @Test
  void anHttp1OnlyServer_isNamedAsNotSpeakingH2c() throws Exception {
    ServerSocket http1 = new ServerSocket(0);
    resources.add(http1);
    Thread t = new Thread(() -> {
      try (var s = http1.accept()) {
        s.getInputStream().read(new byte[64]);
        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
      } catch (java.io.IOException ignored) {
        // the test ends
      }
    });
    t.setDaemon(true);
    t.start();
    Heard heard = done(send(transport("h2c://127.0.0.1:" + http1.getLocalPort()),
        Duration.ofSeconds(5), -1));
    assertThat(heard.events).last().asString().startsWith("error ConnectionError: The server at")
        .contains("does it speak h2c with prior knowledge?");
  }

  @Test
  void theMocksDisconnectFault_resetsTheStream_notTheConnection() {
    MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(10)).itl(Duration.ofMillis(5)).faults(0, 100, 0)
        .build());
    resources.add(server);
    var t = transport(h2c(server));
    Heard first = done(send(t, Duration.ofSeconds(10), -1));
    Heard second = done(send(t, Duration.ofSeconds(10), -1));
    assertThat(first.events).last().asString()
        .startsWith("error ConnectionClosed: The server reset the stream");
    assertThat(second.events).last().asString()
        .startsWith("error ConnectionClosed: The server reset the stream");
    // Both streams ran on the one connection, which survived the first reset.
    assertThat(second.trace.connectionReused()).isTrue();
  }
}
