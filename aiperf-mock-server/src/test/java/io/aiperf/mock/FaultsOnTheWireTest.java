package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Slow drip, refused connections and idle keep-alive closing, seen with raw sockets. */
final class FaultsOnTheWireTest {

    private static final String REQUEST_BODY = TestHttp.chatBody("a b c", false, 4, false);

    private static byte[] request(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    private static Socket connect(MockLlmServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    @Test
    void slowDrip_sendsHeadersAtOnce_thenOneBytePerInterval() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .ttft(Duration.ZERO).itl(Duration.ZERO).slowDrip(100, Duration.ofMillis(20)).build());
                Socket s = connect(server)) {
            s.getOutputStream().write(request(REQUEST_BODY));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200 OK").contains("content-length:");
            // Far fewer bytes than the body arrive within a few intervals.
            s.setSoTimeout(100);
            int got = 0;
            long until = System.nanoTime() + 100_000_000L;
            while (System.nanoTime() < until) {
                try {
                    if (in.read() < 0) {
                        break;
                    }
                    got++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            assertThat(got).isBetween(1, 20);
        }
    }

    @Test
    void slowDrip_firesAClientTimeout() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .slowDrip(100, Duration.ofMillis(50)).build())) {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl()
                    + "/v1/chat/completions")).timeout(Duration.ofMillis(300))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(REQUEST_BODY)).build();
            // java.net.http's own timeout ends at the headers, which come at once; a body
            // deadline is what a benchmark client enforces.
            var pending = TestHttp.CLIENT.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofString())
                    .orTimeout(300, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThatThrownBy(pending::join)
                    .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        }
    }

    @Test
    void refuseRate_closesAcceptedConnectionsBeforeAnswering() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .refuseRate(100).build());
                Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            try {
                out.write(request(REQUEST_BODY));
            } catch (IOException alreadyReset) {
                return; // closed before the request even went out: also a refusal
            }
            int first;
            try {
                first = s.getInputStream().read();
            } catch (IOException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void idleTimeout_closesAnIdleKeepAliveConnection_butNotOneWaitingForItsAnswer() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .ttft(Duration.ofMillis(300)).itl(Duration.ZERO).idleTimeout(Duration.ofMillis(100)).build());
                Socket s = connect(server)) {
            // The answer takes 300 ms, three idle periods: the connection must survive it.
            s.getOutputStream().write(request(REQUEST_BODY));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
            // Then idle: the server closes it (end of stream) well within the socket timeout.
            long start = System.nanoTime();
            int r;
            do {
                r = in.read(buf);
            } while (r > 0);
            assertThat(r).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void options_rejectBadFaultValues() {
        assertThatThrownBy(() -> MockServerOptions.builder().slowDrip(10, Duration.ZERO).build())
                .hasMessage("slowDripInterval was '0ms' but it must be > 0");
        assertThatThrownBy(() -> MockServerOptions.builder().refuseRate(101).build())
                .hasMessage("fault rate was '101.0' but it must be a percentage between 0 and 100");
        assertThatThrownBy(() -> MockServerOptions.builder().errorRate(50).slowDrip(60, Duration.ofMillis(1))
                .build()).hasMessageContaining("add up to more than 100 percent");
        assertThat(MockServerOptions.builder().idleTimeout(Duration.ofSeconds(5)).build().toBuilder().build()
                .idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void main_parsesTheFaultFlags() throws Exception {
        MockServerOptions o = MockServerMain.parse(new String[] {"--slow-drip-rate", "5", "--slow-drip-ms=40",
            "--refuse-rate", "2", "--idle-timeout-ms", "1500", "--reasoning-tokens", "7", "--malformed-rate", "1",
            "--stall-every", "10", "--stall-ms", "200"});
        assertThat(o.slowDripRate()).isEqualTo(5.0);
        assertThat(o.slowDripInterval()).isEqualTo(Duration.ofMillis(40));
        assertThat(o.refuseRate()).isEqualTo(2.0);
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.reasoningTokens()).isEqualTo(7);
        assertThat(o.malformedRate()).isEqualTo(1.0);
        assertThat(o.stallEvery()).isEqualTo(10);
    }
}
