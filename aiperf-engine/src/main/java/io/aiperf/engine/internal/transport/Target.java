package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider.Options;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.net.URI;

/** The server a transport talks to, taken apart once from the base URL. */
final class Target {
  final String host;
  final int port;
  /** Resolved once, here: a DNS lookup on an event loop would delay the read stamps behind it. */
  final InetSocketAddress remote;
  /** The Host header (HTTP/1.1) or :authority (HTTP/2): the port only when the URL names it. */
  final String authority;
  /** The URL's path without a trailing slash; request paths are appended to it. */
  final String basePath;
  /** Local addresses to connect from, in turn; empty for the system's choice. */
  private final InetSocketAddress[] sources;
  /**
   * How long resolving the name took, for the first connection's {@code http_req_dns_lookup}
   * (later ones find it resolved, as aiohttp's DNS cache serves AIPerf's); 0 for an IP literal,
   * which needs no lookup.
   */
  private final long lookupNanos;
  private final java.util.concurrent.atomic.AtomicBoolean lookupClaimed =
      new java.util.concurrent.atomic.AtomicBoolean();

  Target(Options options, int defaultPort, io.aiperf.engine.internal.NanoClock clock) {
    URI uri = options.baseUri();
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    long t0 = clock.nanoTime();
    this.remote = new InetSocketAddress(name, port);
    this.lookupNanos = isIpLiteral(name) ? 0 : Math.max(0, clock.nanoTime() - t0);
    this.authority = host + (uri.getPort() > 0 ? ":" + port : "");
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.sources = options.sourceAddresses().stream().map(a -> new InetSocketAddress(a, 0))
        .toArray(InetSocketAddress[]::new);
  }

  /**
   * The name lookup's time for the connection being opened: the whole of it for the first one,
   * 0 after (the address is cached) and for an IP literal.
   *
   * @return nanoseconds
   */
  long claimLookupNanos() {
    return lookupNanos > 0 && lookupClaimed.compareAndSet(false, true) ? lookupNanos : 0;
  }

  /** An IPv4 or IPv6 address written out, which no resolver is asked about. */
  static boolean isIpLiteral(String name) {
    return name.indexOf(':') >= 0 || name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /** The full request path for a request's path, with or without its leading slash. */
  String path(String path) {
    return join(basePath, path);
  }

  /**
   * Whether the configured headers name the body's type themselves (a multipart upload does);
   * otherwise the transports send JSON's.
   *
   * @param headers the headers every request carries
   * @return true when one of them is Content-Type, in any case
   */
  static boolean namesContentType(java.util.Map<String, String> headers) {
    return headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"));
  }

  /**
   * Joins the URL's path and a request path as AIPerf 0.13 does, so a URL written with the whole
   * endpoint path ({@code http://host:8000/v1/chat/completions}, as AIPerf's own config templates
   * write it) is not sent to {@code /v1/chat/completions/v1/chat/completions}: a base path that
   * already ends with the request path is kept as it is, and a base ending in {@code /v1} drops
   * the request path's leading {@code v1/}.
   */
  static String join(String basePath, String path) {
    String sub = path.startsWith("/") ? path.substring(1) : path;
    if (sub.isEmpty() || basePath.endsWith("/" + sub)) {
      return basePath.isEmpty() ? "/" + sub : basePath;
    }
    if (basePath.endsWith("/v1") && sub.startsWith("v1/")) {
      sub = sub.substring(3);
    }
    return basePath + "/" + sub;
  }

  /** Opens connection number {@code n} of a loop, from the next source address if any. */
  ChannelFuture connect(Bootstrap bootstrap, long n) {
    return sources.length == 0 ? bootstrap.connect(remote)
        : bootstrap.connect(remote, sources[(int) (n % sources.length)]);
  }
}
