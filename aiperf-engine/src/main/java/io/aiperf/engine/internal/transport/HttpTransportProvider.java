package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.engine.internal.NanoClock;
import java.net.URI;
import java.util.Locale;

/**
 * Provides the Netty transports: HTTP/1.1 for {@code http} and {@code https} URLs, HTTP/2 over
 * cleartext with prior knowledge for {@code h2c} URLs ({@code h2c://host:port}), and HTTP/2 over
 * TLS for {@code https} URLs when {@link TransportProvider.Tls#http2()} offers it by ALPN (HTTP/1.1
 * when the server picks that).
 */
public final class HttpTransportProvider implements TransportProvider {
  @Override
  public String name() {
    return "http";
  }

  @Override
  public String description() {
    return "Netty HTTP/1.1 with pooled keep-alive connections (http, https) or HTTP/2"
        + " streams multiplexed on few connections (h2c, or https with HTTP/2 offered by ALPN),"
        + " with per-read timestamps";
  }

  @Override
  public boolean supports(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https") || scheme.equals("h2c");
  }

  /**
   * Tells whether a URL asks for HTTP/2 cleartext with prior knowledge.
   *
   * @param uri the server URL
   * @return true for {@code h2c://}
   */
  public static boolean isH2c(URI uri) {
    return "h2c".equalsIgnoreCase(uri.getScheme());
  }

  /**
   * How many concurrent streams one h2c connection carries before another is opened.
   *
   * @return the streams per connection
   */
  public static int h2StreamsPerConnection() {
    return NettyHttp2Transport.STREAMS_PER_CONNECTION;
  }

  @Override
  public Transport open(Options options) {
    return open(options, NanoClock.SYSTEM);
  }

  static Transport open(Options options, NanoClock clock) {
    if (isH2c(options.baseUri())) {
      return new NettyHttp2Transport(options, clock);
    }
    boolean https = "https".equalsIgnoreCase(options.baseUri().getScheme());
    return https && options.tls().http2() ? new AlpnTransport(options, clock)
        : new NettyHttpTransport(options, clock);
  }
}
