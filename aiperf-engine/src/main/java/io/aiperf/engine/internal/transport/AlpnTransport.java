package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.Options;
import io.aiperf.api.spi.TransportProvider.Request;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * HTTPS with HTTP/2 offered: requests go to the HTTP/2 transport, whose handshakes offer h2 and
 * http/1.1. Once a server picks http/1.1 (or speaks no ALPN), that connection's requests and every
 * later one go to an HTTP/1.1 transport, opened then: a server's choice does not change between
 * connections, and HTTP/1.1 needs its own pool.
 */
final class AlpnTransport implements Transport {
  private final Options options;
  private final NanoClock clock;
  private final NettyHttp2Transport h2;
  private volatile @Nullable NettyHttpTransport h1;
  private boolean closed;
  /** The HTTP/1.1 transport being opened, once a server picked http/1.1; guarded by this. */
  private @Nullable CompletableFuture<@Nullable NettyHttpTransport> opening;

  AlpnTransport(Options options, NanoClock clock) {
    this.options = options;
    this.clock = clock;
    this.h2 = new NettyHttp2Transport(options, clock,
        ClientTls.context(options.baseUri(), options.tls(), true), this::sendHttp1);
  }

  @Override
  public void send(Request request, ResponseListener listener) {
    NettyHttpTransport http1 = h1;
    if (http1 != null) {
      http1.send(request, listener);
    } else {
      h2.send(request, listener);
    }
  }

  /** Called on an HTTP/2 event loop when a server picked http/1.1. */
  private void sendHttp1(Request request, ResponseListener listener) {
    NettyHttpTransport http1 = h1;
    if (http1 != null) {
      http1.send(request, listener);
      return;
    }
    CompletableFuture<@Nullable NettyHttpTransport> opened;
    synchronized (this) {
      if (opening == null) {
        // Opening builds a TLS context and event loops: once, and not on an event loop, whose
        // other streams would wait for it.
        opening = CompletableFuture.supplyAsync(this::openHttp1, task -> {
          Thread t = new Thread(task, "aiperf-http1-fallback");
          t.setDaemon(true);
          t.start();
        });
      }
      opened = opening;
    }
    opened.whenComplete((transport, failure) -> {
      if (failure != null) {
        // Every request still ends in a record: the HTTP/1.1 side could not be set up.
        listener.onError(ErrorMapping.TLS_ERROR, "The server chose http/1.1 but it could not"
            + " be set up: " + ErrorMapping.describe(failure), clock.nanoTime());
      } else if (transport == null) {
        listener.onError(ErrorMapping.CANCELLED, "The transport was closed", clock.nanoTime());
      } else {
        transport.send(request, listener);
      }
    });
  }

  private synchronized @Nullable NettyHttpTransport openHttp1() {
    NettyHttpTransport http1 = h1;
    if (http1 == null && !closed) {
      http1 = new NettyHttpTransport(options, clock);
      h1 = http1;
    }
    return http1;
  }

  @Override
  public void cancelInFlight(String reason) {
    h2.cancelInFlight(reason);
    NettyHttpTransport http1 = h1;
    if (http1 != null) {
      http1.cancelInFlight(reason);
    }
  }

  @Override
  public Optional<TransportProvider.LoopLag> loopLag() {
    NettyHttpTransport http1 = h1;
    return http1 != null ? http1.loopLag() : h2.loopLag();
  }

  @Override
  public void restartLoopLag() {
    h2.restartLoopLag();
    NettyHttpTransport http1 = h1;
    if (http1 != null) {
      http1.restartLoopLag();
    }
  }

  @Override
  public void close() {
    NettyHttpTransport http1;
    synchronized (this) {
      closed = true;
      http1 = h1;
    }
    try {
      h2.close();
    } finally {
      if (http1 != null) {
        http1.close();
      }
    }
  }
}
