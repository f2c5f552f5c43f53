package io.aiperf.engine;

import io.aiperf.api.EndpointConfig;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;

/**
 * How an IT reaches the mock: plain HTTP/1.1, HTTPS with HTTP/1.1, or HTTPS with HTTP/2 picked by
 * ALPN. The HTTPS variants trust the mock's own self-signed certificate, so the certificate and
 * host name are verified as they would be against a real server.
 */
enum Scheme {
  PLAIN, HTTPS, HTTPS_H2;

  /** The mock's options for this scheme. */
  MockServerOptions.Builder server(MockServerOptions.Builder options) {
    return this == PLAIN ? options : options.tls(true);
  }

  /** The endpoint at this server, with the TLS options this scheme needs. */
  EndpointConfig endpoint(EndpointConfig endpoint, MockLlmServer server) {
    if (this == PLAIN) {
      return endpoint;
    }
    return endpoint.tlsTrust(server.certificatePem().orElseThrow()).http2(this == HTTPS_H2);
  }

  /** What the mock's log says the requests came over. */
  String protocol() {
    return this == HTTPS_H2 ? "h2" : "HTTP/1.1";
  }
}
