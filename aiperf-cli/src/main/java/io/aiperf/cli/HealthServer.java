package io.aiperf.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Kubernetes probes for {@code aiperf service}, as AIPerf's {@code service --health-port} serves
 * them: {@code GET /healthz} (liveness: 200 {@code ok} unless the service failed, then 503
 * {@code unhealthy}) and {@code GET /readyz} (readiness: 200 {@code ok} only while the service
 * has joined a run and serves it, else 503 {@code not ready}). Anything else is 404, another
 * method 405. The JDK's own HTTP server on one daemon thread: probes are rare and tiny.
 */
final class HealthServer implements AutoCloseable {
  /** Where the service is in its life. */
  enum State {
    /** Connecting to the controller and joining: alive, not ready. */
    STARTING,
    /** Joined, serving the run. */
    READY,
    /** The run ended; the process is about to exit. */
    ENDED,
    /** It could not join, or serving failed. */
    FAILED
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private volatile State state = State.STARTING;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving the probes.
   *
   * @param host the address to bind ({@code 0.0.0.0} for a pod's probes)
   * @param port the port
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  static HealthServer start(String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "aiperf-health");
      t.setDaemon(true);
      return t;
    });
    HealthServer health = new HealthServer(server, executor);
    server.createContext("/", health::handle);
    server.setExecutor(executor);
    server.start();
    return health;
  }

  /** The bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  void state(State state) {
    this.state = state;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean known = path.equals("/healthz") || path.equals("/readyz");
      if (!known) {
        reply(exchange, 404, "Not Found");
      } else if (!exchange.getRequestMethod().equals("GET")) {
        reply(exchange, 405, "Method Not Allowed");
      } else if (path.equals("/healthz")) {
        boolean healthy = state != State.FAILED;
        reply(exchange, healthy ? 200 : 503, healthy ? "ok" : "unhealthy");
      } else {
        boolean ready = state == State.READY;
        reply(exchange, ready ? 200 : 503, ready ? "ok" : "not ready");
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
