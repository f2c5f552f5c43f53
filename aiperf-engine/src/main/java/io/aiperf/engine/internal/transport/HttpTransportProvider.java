package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.engine.internal.NanoClock;
import java.net.URI;
import java.util.Locale;

/** Provides the Netty HTTP/1.1 transport for http and https URLs. */
public final class HttpTransportProvider implements TransportProvider {
  @Override
  public String name() {
    return "http";
  }

  @Override
  public String description() {
    return "Netty HTTP/1.1 with pooled keep-alive connections and per-read timestamps";
  }

  @Override
  public boolean supports(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  @Override
  public Transport open(Options options) {
    return new NettyHttpTransport(options, NanoClock.SYSTEM);
  }
}
