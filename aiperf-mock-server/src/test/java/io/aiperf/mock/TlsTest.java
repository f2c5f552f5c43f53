package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTPS on the mock: HTTP/1.1 and HTTP/2 by ALPN on one TLS port, with the cleartext schedule. */
final class TlsTest {

    private static MockServerOptions.Builder tlsServer() {
        return MockServerOptions.builder().port(0).fast(true).recordRequests(100).tls(true);
    }

    @Test
    void https_http11_answersChatWithTheSelfSignedCertificateTrusted() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build())) {
            assertThat(server.baseUrl()).isEqualTo("https://127.0.0.1:" + server.port());
            HttpClient client = client(server, HttpClient.Version.HTTP_1_1);

            HttpResponse<String> resp = post(client, server.baseUrl() + "/v1/chat/completions",
                    chatBody("hello", false, 4, false));

            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(resp.sslSession()).isPresent();
            assertThat(json(resp.body()).at("/usage/completion_tokens").asInt()).isEqualTo(4);
            assertThat(server.receivedRequests()).singleElement()
                    .extracting(ReceivedRequest::protocol).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void https_h2_negotiatedByAlpn_manyStreamsAnsweredAndRecordedAsH2() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build())) {
            HttpClient client = client(server, HttpClient.Version.HTTP_2);
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(client.sendAsync(request(server.baseUrl() + "/v1/chat/completions",
                        chatBody("stream " + i, true, 3, true)), HttpResponse.BodyHandlers.ofString()));
            }

            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> resp = f.get();
                assertThat(resp.statusCode()).isEqualTo(200);
                assertThat(resp.version()).isEqualTo(HttpClient.Version.HTTP_2);
                List<String> data = sseData(resp.body());
                assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
                assertThat(json(data.get(data.size() - 2)).at("/usage/completion_tokens").asInt()).isEqualTo(3);
            }
            assertThat(server.receivedRequests()).hasSize(20)
                    .allSatisfy(r -> assertThat(r.protocol()).isEqualTo("h2"));
        }
    }

    @Test
    void clientWithoutAlpn_getsHttp11() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build());
                SSLSocket socket = (SSLSocket) trusting(server.certificatePem().orElseThrow())
                        .getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake(); // no application protocols set: no ALPN extension sent

            assertThat(socket.getApplicationProtocol()).isEmpty();
            String answer = exchange(socket, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void plaintextClient_onTheTlsPort_isClosedWithoutAnHttpAnswer_andTheServerKeepsServing() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build())) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000); // a hang fails with SocketTimeoutException
                String answer = exchange(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(answer).doesNotContain("HTTP/1.1");
            }
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String httpUrl = server.baseUrl().replace("https://", "http://") + "/v1/models";
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(httpUrl))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);

            HttpResponse<String> after = client(server, HttpClient.Version.HTTP_2).send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void clientNotTrustingTheCertificate_failsTheHandshake() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build())) {
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            assertThatThrownBy(() -> untrusting.send(
                            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    /**
     * Each token reaches the client no earlier than the schedule sends it: TTFT after the request,
     * then one ITL apart; and the tokens come spread out, not in one burst at the end.
     */
    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void streaming_overTls_followsTheTtftItlSchedule(HttpClient.Version version) throws Exception {
        Duration ttft = Duration.ofMillis(80);
        Duration itl = Duration.ofMillis(25);
        int tokens = 8;
        try (MockLlmServer server = MockLlmServer.start(tlsServer().fast(false).ttft(ttft).itl(itl).build())) {
            HttpClient client = client(server, version);
            // Warm the connection: the handshake is not part of the answer's schedule.
            client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            long start = System.nanoTime();
            HttpResponse<Stream<String>> resp = client.send(request(server.baseUrl() + "/v1/chat/completions",
                    chatBody("time me", true, tokens, false)), HttpResponse.BodyHandlers.ofLines());
            List<Long> arrivals = new ArrayList<>();
            resp.body().forEach(line -> {
                if (line.startsWith("data: {")) {
                    arrivals.add(System.nanoTime() - start);
                }
            });

            assertThat(resp.version()).isEqualTo(version);
            assertThat(arrivals).hasSize(tokens);
            Duration slack = Duration.ofMillis(2); // timer granularity, not load
            for (int k = 0; k < tokens; k++) {
                Duration due = ttft.plus(itl.multipliedBy(k)).minus(slack);
                assertThat(Duration.ofNanos(arrivals.get(k))).as("token %d", k).isGreaterThanOrEqualTo(due);
            }
            // Half the scheduled spread: a client thread stalled by load may read two tokens at
            // once, but a TLS layer that held the writes back would deliver them all together.
            Duration spread = Duration.ofNanos(arrivals.get(tokens - 1) - arrivals.get(0));
            assertThat(spread).isGreaterThanOrEqualTo(itl.multipliedBy(tokens - 1).dividedBy(2));
            assertThat(server.receivedRequests()).last().extracting(ReceivedRequest::protocol)
                    .isEqualTo(version == HttpClient.Version.HTTP_2 ? "h2" : "HTTP/1.1");
        }
    }

    @Test
    void givenCertificate_isServedAndIsTheOneToTrust(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of("localhost"),
                List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
        Path chain = Files.writeString(dir.resolve("chain.pem"), cert.certificatePem(), StandardCharsets.US_ASCII);
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(cert.keyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);

        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .tlsCertificate(chain, key).build())) {
            assertThat(server.certificatePem()).contains(chain);
            HttpResponse<String> resp = client(server, HttpClient.Version.HTTP_2).send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(cert.certificate());
        }
        assertThat(chain).exists(); // a given certificate is not ours to delete
    }

    @Test
    void givenKeyThatIsNotPem_failsStartNamingTheFiles(@TempDir Path dir) throws Exception {
        Path chain = Files.writeString(dir.resolve("chain.pem"), "not a certificate", StandardCharsets.US_ASCII);
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key", StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> MockLlmServer.start(MockServerOptions.builder().port(0)
                        .tlsCertificate(chain, key).build()))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining(chain.toString())
                .hasMessageContaining(key.toString());
    }

    @Test
    void selfSignedCertificateFile_isDeletedOnClose_andPlaintextServerHasNone() throws Exception {
        Path pem;
        try (MockLlmServer server = MockLlmServer.start(tlsServer().build())) {
            pem = server.certificatePem().orElseThrow();
            assertThat(Files.readString(pem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
        }
        assertThat(pem).doesNotExist();
        try (MockLlmServer plain = MockLlmServer.start(MockServerOptions.builder().port(0).build())) {
            assertThat(plain.certificatePem()).isEmpty();
            assertThat(plain.baseUrl()).startsWith("http://");
        }
    }

    private static HttpClient client(MockLlmServer server, HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder()
                .version(version)
                .sslContext(trusting(server.certificatePem().orElseThrow()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpRequest request(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body) throws Exception {
        return client.send(request(url, body), HttpResponse.BodyHandlers.ofString());
    }

    /** A TLS context that trusts exactly the certificates in this PEM file. */
    static SSLContext trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("mock-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Writes the request and reads until the server closes (or the socket's timeout fails). */
    private static String exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            answer.write(buf, 0, n);
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }
}
