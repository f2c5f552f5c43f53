package io.aiperf.mock;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The server's TLS: the context every connection's handler comes from, and the PEM file a client
 * may trust. ALPN offers {@code h2} then {@code http/1.1}; the JDK provider does TLS, so no
 * native library is needed.
 *
 * @param context the server context
 * @param certificatePem the certificate a client can trust as its CA
 * @param temporary whether {@code certificatePem} was written by us and is deleted on close
 */
record MockTls(SslContext context, Path certificatePem, boolean temporary) implements AutoCloseable {

    /**
     * Loads the given certificate or makes a self-signed one.
     *
     * @param options options with {@link MockServerOptions#tls()} set
     * @return the TLS settings
     * @throws UncheckedIOException naming the file when a given certificate or key cannot be
     *     read, or when the self-signed certificate cannot be made
     */
    static MockTls create(MockServerOptions options) {
        var chain = options.tlsCertificateChain();
        var key = options.tlsPrivateKey();
        if (chain.isPresent() && key.isPresent()) {
            try {
                SslContext context = configure(
                        SslContextBuilder.forServer(chain.get().toFile(), key.get().toFile()));
                return new MockTls(context, chain.get(), false);
            } catch (SSLException | IllegalArgumentException e) {
                String message = "Mock LLM server could not load the TLS certificate " + chain.get()
                        + " with the key " + key.get() + ": " + e.getMessage();
                throw new UncheckedIOException(message, new IOException(message, e));
            }
        }
        Path pem = null;
        try {
            SelfSignedCertificate self = SelfSignedCertificate.generate(List.of("localhost"),
                    List.of(InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1})));
            SslContext context = configure(SslContextBuilder.forServer(
                    self.keyPair().getPrivate(), self.certificate()));
            pem = Files.createTempFile("aiperf-mock-", "-cert.pem");
            Files.writeString(pem, self.certificatePem(), StandardCharsets.US_ASCII);
            return new MockTls(context, pem, true);
        } catch (IOException | GeneralSecurityException e) {
            deleteQuietly(pem);
            String message = "Mock LLM server could not make its self-signed certificate: " + e;
            throw new UncheckedIOException(message,
                    e instanceof IOException ? (IOException) e : new IOException(message, e));
        }
    }

    private static SslContext configure(SslContextBuilder builder) throws SSLException {
        return builder
                .sslProvider(SslProvider.JDK)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        // Only these behaviours are supported by the JDK provider: a client
                        // that offers neither protocol gets no ALPN and is served HTTP/1.1.
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** Deletes the self-signed certificate's file; a given certificate is left alone. */
    @Override
    public void close() {
        if (temporary) {
            deleteQuietly(certificatePem);
        }
    }

    private static void deleteQuietly(@org.jspecify.annotations.Nullable Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temp file left behind is harmless; the close must not fail for it.
        }
    }
}
