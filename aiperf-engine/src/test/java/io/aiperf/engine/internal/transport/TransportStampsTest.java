package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.engine.internal.NanoClock;
import java.io.DataInputStream;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the transports take their stamps, on a clock that moves only when the scripted server
 * says so: the start stamp when the request goes on a ready connection (waiting for one, the
 * HTTP/2 SETTINGS round trip included, is not part of it), the first-byte stamp at the read that
 * carried the response head, the end stamp at the read that carried the last byte. TTFT is
 * computed from the start stamp, so a start stamp taken before the connection was acquired
 * would add the connection time to every TTFT.
 */
final class TransportStampsTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000_000 * MS;
  /** How long getting the connection takes, on the test's clock. */
  private static final long ACQUIRE = 700 * MS;
  private static final long SERVER_THINK = 200 * MS;
  private static final long BODY_AFTER = 50 * MS;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : resources) {
      c.close();
    }
  }

  /** Time stands still until the test moves it; counts the reads made by {@code begin}. */
  private static final class ScriptedClock implements NanoClock {
    final AtomicLong now = new AtomicLong(T0);
    final AtomicInteger begins = new AtomicInteger();

    @Override
    public long nanoTime() {
      if (StackWalker.getInstance().walk(s -> s.limit(4)
          .anyMatch(f -> f.getMethodName().equals("begin")))) {
        begins.incrementAndGet();
      }
      return now.get();
    }

    @Override
    public long wallNanos() {
      return now.get();
    }

    void advance(long nanos) {
      now.addAndGet(nanos);
    }
  }

  private static final class Heard implements ResponseListener {
    volatile long waitNanos = -1;
    volatile long startNanos = -1;
    volatile long headNanos = -1;
    volatile long bodyNanos = -1;
    volatile long endNanos = -1;
    volatile String error = "";
    volatile TransportProvider.@org.jspecify.annotations.Nullable HttpTrace trace;
    final CountDownLatch head = new CountDownLatch(1);

    @Override
    public void onRequestSent(long waitNanos, boolean connectionReused, long startNanos) {
      this.waitNanos = waitNanos;
      this.startNanos = startNanos;
    }

    @Override
    public void onResponseStart(int status, String contentType, long nanos) {
      headNanos = nanos;
      head.countDown();
    }

    @Override
    public void onBody(ByteBuffer data, long nanos) {
      if (bodyNanos < 0) {
        bodyNanos = nanos;
      }
    }

    @Override
    public void onTrace(TransportProvider.HttpTrace trace) {
      this.trace = trace;
    }

    @Override
    public void onComplete(long nanos) {
      endNanos = nanos;
    }

    @Override
    public void onError(String type, String message, long nanos) {
      error = type + ": " + message;
      endNanos = nanos;
    }

    void awaitHead() {
      try {
        assertThat(head.await(20, TimeUnit.SECONDS)).as("response head heard").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static TransportProvider.Request request() {
    return new TransportProvider.Request("/v1/chat/completions", "id", "corr",
        "{}".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1), -1);
  }

  private ServerSocket listen() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(server);
    return server;
  }

  private static void daemon(String name, ThrowingRunnable body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (IOException | InterruptedException ignored) {
        // the test ended the connection
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private interface ThrowingRunnable {
    void run() throws IOException, InterruptedException;
  }

  private static TransportProvider.Options options(String url, int maxConnections) {
    return new TransportProvider.Options(URI.create(url), Map.of(), 1, Duration.ofSeconds(5),
        maxConnections);
  }

  // ---------------------------------------------------------------- HTTP/1.1

  private static void readHttp1Request(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      head.append((char) b);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        in.readNBytes(Integer.parseInt(line.substring(15).strip()));
      }
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * One connection allowed: the second request waits for the first to finish. Its start stamp is
   * taken when it goes on the freed connection, 700 ms (of the test's clock) after it was sent.
   */
  @Test
  void http1_startStampedOnTheAcquiredConnection_firstAndLastByteAtTheirReads()
      throws Exception {
    ScriptedClock clock = new ScriptedClock();
    ServerSocket server = listen();
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch secondQueued = new CountDownLatch(1);
    Heard second = new Heard();
    daemon("stamps-http1", () -> {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        readHttp1Request(in);
        firstArrived.countDown();
        secondQueued.await();
        clock.advance(ACQUIRE);
        write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        readHttp1Request(in);
        clock.advance(SERVER_THINK);
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
        second.awaitHead();
        clock.advance(BODY_AFTER);
        write(out, "hello");
        in.read(); // until the client closes
      }
    });
    NettyHttpTransport transport = new NettyHttpTransport(
        options("http://127.0.0.1:" + server.getLocalPort(), 1), clock);
    resources.add(transport);

    Heard first = new Heard();
    transport.send(request(), first);
    assertThat(firstArrived.await(20, TimeUnit.SECONDS)).isTrue();
    transport.send(request(), second);
    // The second request has been taken in (its wait began) while the clock still reads T0.
    await().atMost(Duration.ofSeconds(20)).until(() -> clock.begins.get() >= 2);
    secondQueued.countDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> second.endNanos >= 0);

    assertThat(second.error).isEmpty();
    assertThat(first.startNanos).isEqualTo(T0);
    assertThat(first.endNanos).isEqualTo(T0 + ACQUIRE);
    // Waiting for the connection is reported apart, not in the start stamp TTFT counts from.
    assertThat(second.waitNanos).isEqualTo(ACQUIRE);
    assertThat(second.startNanos).isEqualTo(T0 + ACQUIRE);
    assertThat(second.headNanos - second.startNanos).isEqualTo(SERVER_THINK);
    assertThat(second.bodyNanos).isEqualTo(T0 + ACQUIRE + SERVER_THINK + BODY_AFTER);
    assertThat(second.endNanos).isEqualTo(second.bodyNanos);
    var trace = second.trace;
    assertThat(trace).isNotNull();
    assertThat(trace.blockedNanos()).isEqualTo(ACQUIRE);
    // The write-done stamp races the server's reply (the server moves the clock on reading the
    // request), so the server's time splits between sending and waiting; together it is exact.
    assertThat(trace.sendingNanos() + trace.waitingNanos()).isEqualTo(SERVER_THINK);
    assertThat(trace.receivingNanos()).isEqualTo(BODY_AFTER);
    assertThat(trace.connectionReused()).isTrue();
  }

  // ---------------------------------------------------------------- HTTP/2 (h2c)

  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int SETTINGS = 0x4;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int ACK = 0x1;

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8),
        (byte) payload.length, (byte) type, (byte) flags, (byte) (stream >>> 24),
        (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    out.write(head);
    out.write(payload);
    out.flush();
  }

  /** Reads client frames until a stream ends; returns that stream's id. */
  private static int readUntilEndStream(DataInputStream in) throws IOException {
    while (true) {
      int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
          | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7fffffff;
      in.readNBytes(length);
      if ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
        return stream;
      }
    }
  }

  /**
   * A fresh h2c connection is ready when the server's SETTINGS arrive (one round trip after the
   * TCP connect): the server holds them for 700 ms, and the start stamp comes after.
   */
  @Test
  void h2c_startStampedAfterTheServerSettings_firstAndLastByteAtTheirReads() throws Exception {
    ScriptedClock clock = new ScriptedClock();
    ServerSocket server = listen();
    Heard heard = new Heard();
    daemon("stamps-h2c", () -> {
      try (Socket s = server.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        in.readNBytes(24); // the client preface
        clock.advance(ACQUIRE);
        frame(out, SETTINGS, 0, 0, new byte[0]);
        frame(out, SETTINGS, ACK, 0, new byte[0]);
        int stream = readUntilEndStream(in);
        clock.advance(SERVER_THINK);
        frame(out, HEADERS, END_HEADERS, stream, new byte[] {(byte) 0x88}); // :status 200
        heard.awaitHead();
        clock.advance(BODY_AFTER);
        frame(out, DATA, END_STREAM, stream, "hello".getBytes(StandardCharsets.US_ASCII));
        while (in.read() >= 0) {
          // until the client closes
        }
      }
    });
    NettyHttp2Transport transport = new NettyHttp2Transport(
        options("h2c://127.0.0.1:" + server.getLocalPort(), 1), clock);
    resources.add(transport);

    transport.send(request(), heard);
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.endNanos >= 0);

    assertThat(heard.error).isEmpty();
    assertThat(heard.waitNanos).isEqualTo(ACQUIRE);
    assertThat(heard.startNanos).isEqualTo(T0 + ACQUIRE);
    assertThat(heard.headNanos - heard.startNanos).isEqualTo(SERVER_THINK);
    assertThat(heard.bodyNanos).isEqualTo(T0 + ACQUIRE + SERVER_THINK + BODY_AFTER);
    assertThat(heard.endNanos).isEqualTo(heard.bodyNanos);
    var trace = heard.trace;
    assertThat(trace).isNotNull();
    assertThat(trace.connectionReused()).isFalse();
    // As for HTTP/1.1: the write-done stamp races the server's reply on this clock.
    assertThat(trace.sendingNanos() + trace.waitingNanos()).isEqualTo(SERVER_THINK);
    assertThat(trace.receivingNanos()).isEqualTo(BODY_AFTER);
  }

}
