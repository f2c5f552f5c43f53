package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client side of TLS: one SslContext per transport, from the endpoint's TLS options. */
final class ClientTls {
  private static final Logger log = LoggerFactory.getLogger(ClientTls.class);
  /** Servers already warned about, so that a run with many workers warns once per server. */
  private static final Set<String> WARNED_INSECURE = ConcurrentHashMap.newKeySet();

  private ClientTls() {}

  /**
   * The JDK provider (no native library to ship), verifying the certificate and the host name
   * unless told not to.
   *
   * @param offerH2 offer h2 before http/1.1 by ALPN; false offers http/1.1 only
   */
  static SslContext context(URI uri, TransportProvider.Tls tls, boolean offerH2) {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        // The JDK provider supports only these failure behaviours; a server without ALPN
        // gets http/1.1 (see the handlers that read the chosen protocol).
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            offerH2 ? new String[] {ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1}
                : new String[] {ApplicationProtocolNames.HTTP_1_1}));
    Path trust = tls.trustPem();
    try {
      if (tls.insecure()) {
        // Without the host name check too: the JDK would still compare it with the certificate.
        builder.trustManager(InsecureTrustManagerFactory.INSTANCE)
            .endpointIdentificationAlgorithm(null);
        String server = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        if (WARNED_INSECURE.add(server)) {
          log.warn("TLS certificate verification is off (--insecure / --no-ssl-verify): the"
              + " server at {} is not verified, and anyone on the path could read the prompts"
              + " and the API key", server);
        }
      } else if (trust != null) {
        builder.trustManager(trust.toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      String what = trust != null && !tls.insecure()
          ? "Cannot read the CA certificate " + trust + " for " + uri
          : "Cannot set up TLS for " + uri;
      throw new IllegalStateException(what + ": " + ErrorMapping.describe(e), e);
    }
  }
}
