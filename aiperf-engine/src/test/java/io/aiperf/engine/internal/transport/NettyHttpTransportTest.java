package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport against a scripted loopback server that misbehaves on purpose. */
final class NettyHttpTransportTest {
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : resources) {
      c.close();
    }
  }

  /** Serves each connection with a script: (connection index, socket) → behaviour. */
  private int server(BiConsumer<Integer, Socket> script) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(server);
    AtomicInteger connections = new AtomicInteger();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          int index = connections.getAndIncrement();
          Thread handler = new Thread(() -> {
            try (s) {
              script.accept(index, s);
            } catch (IOException ignored) {
              // the script ended the connection
            }
          });
          handler.setDaemon(true);
          handler.start();
        } catch (IOException closed) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  /** Answers every request of a connection with {@code {}} after a delay; counts connections. */
  private int keepAliveServer(AtomicInteger connections, long delayMillis) throws IOException {
    return server((i, s) -> {
      connections.incrementAndGet();
      try {
        while (true) {
          readRequest(s.getInputStream());
          Thread.sleep(delayMillis);
          write(s, ok("{}"));
        }
      } catch (IOException | InterruptedException ignored) {
        // done
      }
    });
  }

  /** Reads one request (headers and Content-Length body). */
  private static String readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.readNBytes(length);
    return head.toString();
  }

  private static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body;
  }

  private TransportProvider.Transport transport(int port) {
    return transport(port, 100);
  }

  private TransportProvider.Transport transport(int port, int maxConnections) {
    TransportProvider.Transport t = new HttpTransportProvider().open(new TransportProvider.Options(
        URI.create("http://127.0.0.1:" + port), Map.of(), 1, Duration.ofSeconds(5),
        maxConnections));
    resources.add(t);
    return t;
  }

  /** Records what the listener heard. */
  private static class Heard implements ResponseListener {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final StringBuilder body = new StringBuilder();
    volatile boolean reused;
    volatile boolean ended;

    @Override
    public void onRequestSent(long waitNanos, boolean connectionReused, long startNanos) {
      reused = connectionReused;
      events.add("sent");
    }

    @Override
    public void onResponseStart(int status, String contentType, long nanos) {
      events.add("status " + status);
    }

    @Override
    public void onBody(ByteBuffer data, long nanos) {
      synchronized (body) {
        body.append(StandardCharsets.UTF_8.decode(data));
      }
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

  private static Heard send(TransportProvider.Transport t, Duration timeout) {
    Heard heard = new Heard();
    t.send(new TransportProvider.Request("/v1/chat/completions", "id", "corr",
        "{}".getBytes(StandardCharsets.UTF_8), timeout, -1), heard);
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.ended);
    return heard;
  }

  @Test
  void interimResponses_areNotTheResponse() throws IOException {
    int port = server((i, s) -> {
      try {
        for (int r = 0; r < 2; r++) {
          readRequest(s.getInputStream());
          write(s, "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n");
          write(s, ok("{\"r\":" + r + "}"));
        }
      } catch (IOException ignored) {
        // done
      }
    });
    var t = transport(port);
    Heard first = send(t, Duration.ofSeconds(10));
    Heard second = send(t, Duration.ofSeconds(10));
    assertThat(first.events).containsExactly("sent", "status 200", "complete");
    assertThat(first.body.toString()).isEqualTo("{\"r\":0}");
    assertThat(second.body.toString()).isEqualTo("{\"r\":1}");
    assertThat(second.reused).isTrue();
  }

  @Test
  void idleConnectionClosedByTheServer_isRetriedOnANewOne() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        if (i == 0) {
          // Answer, then drop the connection only when the next request arrives on it,
          // as a server whose keep-alive timer fires at that moment would.
          write(s, ok("{\"first\":true}"));
          readRequest(s.getInputStream());
          s.setSoLinger(true, 0);
          return;
        }
        write(s, ok("{\"second\":true}"));
      } catch (IOException ignored) {
        // done
      }
    });
    var t = transport(port);
    assertThat(send(t, Duration.ofSeconds(10)).events).containsExactly("sent", "status 200",
        "complete");
    Heard second = send(t, Duration.ofSeconds(10));
    assertThat(second.events).last().isEqualTo("complete");
    assertThat(second.body.toString()).isEqualTo("{\"second\":true}");
    assertThat(second.reused).as("the retry went out on a new connection").isFalse();
  }

  @Test
  void serverClosingMidResponse_isAnError() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5\r\ndata:\r\n");
      } catch (IOException ignored) {
        // closing now
      }
    });
    Heard heard = send(transport(port), Duration.ofSeconds(10));
    assertThat(heard.events).last().asString()
        .startsWith("error ConnectionClosed: The server closed the connection");
  }

  @Test
  void malformedResponses_areParseErrors() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        write(s, i == 0
            ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Type: text/pl");
      } catch (IOException ignored) {
        // closing now
      }
    });
    var t = transport(port);
    Heard badChunk = send(t, Duration.ofSeconds(10));
    assertThat(badChunk.events).containsExactly("sent", "status 200",
        "error ResponseParseError: Malformed HTTP response: Invalid character in chunk size");
    assertThat(badChunk.body.toString()).isEqualTo("hello");
    assertThat(send(t, Duration.ofSeconds(10)).events).containsExactly("sent",
        "error ResponseParseError: Malformed HTTP response: Connection closed before received"
            + " headers");
  }

  @Test
  void garbageOnAnIdleConnection_closesIt_andTheNextRequestTakesANewOne() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        // A complete answer, then bytes no response starts with, in the same write.
        write(s, ok("{\"r\":" + i + "}") + "\u0001garbage\r\n");
        s.getInputStream().read(); // until the client closes the connection
      } catch (IOException ignored) {
        // done
      }
    });
    var t = transport(port);
    assertThat(send(t, Duration.ofSeconds(10)).events).containsExactly("sent", "status 200",
        "complete");
    Heard second = send(t, Duration.ofSeconds(10));
    assertThat(second.events).containsExactly("sent", "status 200", "complete");
    assertThat(second.body.toString()).isEqualTo("{\"r\":1}");
    assertThat(second.reused).isFalse();
  }

  @Test
  void noAnswer_timesOut() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        Thread.sleep(5_000);
      } catch (IOException | InterruptedException ignored) {
        // done
      }
    });
    Heard heard = send(transport(port), Duration.ofMillis(200));
    assertThat(heard.events).last().asString()
        .isEqualTo("error Timeout: No complete response within the request timeout of 0.200 s");
  }

  @Test
  void cancelInFlight_endsOpenExchanges() throws IOException {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        Thread.sleep(10_000);
      } catch (IOException | InterruptedException ignored) {
        // done
      }
    });
    var t = transport(port);
    Heard heard = new Heard();
    t.send(new TransportProvider.Request("/p", "id", "corr", new byte[0], Duration.ofMinutes(5),
        -1), heard);
    await().atMost(Duration.ofSeconds(10)).until(() -> heard.events.contains("sent"));
    t.cancelInFlight("stopped");
    await().atMost(Duration.ofSeconds(10)).until(() -> heard.ended);
    assertThat(heard.events).last().isEqualTo("error RequestCancellationError: stopped");
  }

  @Test
  void connectionLimit_queuesRequests_andReportsTheWait() throws IOException {
    AtomicInteger connections = new AtomicInteger();
    int port = keepAliveServer(connections, 50);
    var t = transport(port, 1);
    List<Heard> all = new ArrayList<>();
    List<Long> waits = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 3; i++) {
      Heard heard = new Heard() {
        @Override
        public void onRequestSent(long waitNanos, boolean connectionReused, long startNanos) {
          waits.add(waitNanos);
          super.onRequestSent(waitNanos, connectionReused, startNanos);
        }
      };
      all.add(heard);
      t.send(new TransportProvider.Request("/p", "id", "c", new byte[0], Duration.ofSeconds(10),
          -1), heard);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> all.stream().allMatch(h -> h.ended));
    assertThat(all).allSatisfy(h -> assertThat(h.events).last().isEqualTo("complete"));
    assertThat(connections.get()).isEqualTo(1);
    // The third request waited for two 50 ms answers before it could be written.
    assertThat(waits).hasSize(3);
    assertThat(waits.stream().mapToLong(Long::longValue).max().getAsLong())
        .isGreaterThanOrEqualTo(90_000_000L);
  }

  @Test
  void preconnect_opensTheConnectionsTheFirstRequestsThenReuse() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    // The three requests overlap: each needs a connection of its own.
    int port = keepAliveServer(connections, 100);
    var t = transport(port);
    assertThat(t.preconnect(3).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(3);
    await().atMost(Duration.ofSeconds(20)).until(() -> connections.get() == 3);
    List<Heard> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Heard heard = new Heard();
      all.add(heard);
      t.send(new TransportProvider.Request("/p", "id", "c", new byte[0], Duration.ofSeconds(10),
          -1), heard);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> all.stream().allMatch(h -> h.ended));
    assertThat(all).allSatisfy(h -> {
      assertThat(h.events).last().isEqualTo("complete");
      assertThat(h.reused).as("went out on a connection opened before").isTrue();
    });
    assertThat(connections.get()).isEqualTo(3);
  }

  @Test
  void preconnect_staysWithinTheCap_andARefusingServerIsNoError() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    int port = server((i, s) -> {
      connections.incrementAndGet();
      try {
        s.getInputStream().read(); // holds the connection open until the client closes it
      } catch (IOException ignored) {
        // done
      }
    });
    assertThat(transport(port, 2).preconnect(5).toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> connections.get() == 2);
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(transport(closed).preconnect(2).toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isZero();
  }

  @Test
  void refusedConnection_isAConnectionError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Heard heard = send(transport(port), Duration.ofSeconds(5));
    assertThat(heard.events).hasSize(1).first().asString()
        .startsWith("error ConnectionError: Cannot connect to 127.0.0.1:" + port);
  }

  @Test
  void sourceAddresses_areUsedInTurn() throws Exception {
    List<String> peers = Collections.synchronizedList(new ArrayList<>());
    int port = server((i, s) -> {
      try {
        peers.add(s.getInetAddress().getHostAddress());
        readRequest(s.getInputStream());
        Thread.sleep(300); // keeps each connection busy, so every request opens its own
        write(s, ok("{}"));
      } catch (IOException | InterruptedException e) {
        // the test ended
      }
    });
    TransportProvider.Transport t = new HttpTransportProvider().open(new TransportProvider.Options(
        URI.create("http://127.0.0.1:" + port), Map.of(), 1, Duration.ofSeconds(5), 10,
        List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"))));
    resources.add(t);
    List<Heard> heard = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Heard h = new Heard();
      heard.add(h);
      t.send(new TransportProvider.Request("/v1/chat/completions", "id" + i, "corr",
          "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10), -1), h);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.stream().allMatch(h -> h.ended));
    assertThat(heard).allSatisfy(h -> assertThat(h.events).contains("status 200"));
    assertThat(peers).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.2",
        "127.0.0.3");
  }

  @Test
  void clientLimits_areExplained() {
    assertThat(ErrorMapping.advice(new java.net.BindException(
        "Cannot assign requested address"))).contains("ephemeral ports")
        .contains("--source-address");
    assertThat(ErrorMapping.advice(new IOException("Too many open files")))
        .contains("ulimit -n");
    assertThat(ErrorMapping.advice(new IOException("Connection refused"))).isEmpty();
  }

  @Test
  void busyIoThread_showsAsLoopLag() throws Exception {
    int port = server((i, s) -> {
      try {
        readRequest(s.getInputStream());
        write(s, ok("{}"));
      } catch (IOException e) {
        // the test ended
      }
    });
    TransportProvider.Transport t = transport(port);
    await().atMost(Duration.ofSeconds(10)).until(() -> t.loopLag().isPresent());
    // A machine so starved that an idle loop already lagged this much proves nothing here.
    org.junit.jupiter.api.Assumptions.assumeTrue(t.loopLag().get().maxNanos() < 150_000_000L);
    // Listener callbacks run on the I/O thread: one that blocks holds up every read behind it.
    Heard heard = new Heard() {
      @Override
      public void onResponseStart(int status, String contentType, long nanos) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.onResponseStart(status, contentType, nanos);
      }
    };
    t.send(new TransportProvider.Request("/v1/chat/completions", "id", "corr",
        "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10), -1), heard);
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.ended);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> t.loopLag().get().maxNanos() >= 150_000_000L);
  }
}
