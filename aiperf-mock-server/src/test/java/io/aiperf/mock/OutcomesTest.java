package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's own count of what it did, checked against what a client saw of each request. */
final class OutcomesTest {

    private static final Duration SETTLE = Duration.ofSeconds(10);

    private static MockServerOptions.Builder mock() {
        return MockServerOptions.builder().host("127.0.0.1").port(0).ttft(Duration.ofMillis(1))
                .itl(Duration.ofMillis(1)).seed(5);
    }

    private static String chat(MockLlmServer server) {
        return server.baseUrl() + "/v1/chat/completions";
    }

    @Test
    void errorRate100_everyInferenceRequestIsA500_andNothingElse() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().errorRate(100).build())) {
            for (int i = 0; i < 20; i++) {
                assertThat(TestHttp.post(chat(server), chatBody("p" + i, i % 2 == 0, 4, false))
                        .statusCode()).isEqualTo(500);
            }
            assertThat(TestHttp.get(server.baseUrl() + "/health").statusCode()).isEqualTo(200);

            Outcomes o = server.outcomes();
            assertThat(o.received()).isEqualTo(20);
            assertThat(o.internalServerErrors()).isEqualTo(20);
            assertThat(o.faults()).isEqualTo(20);
            assertThat(o.completed() + o.rateLimited() + o.malformed() + o.disconnected() + o.abandoned()
                    + o.rejected()).isZero();
            assertThat(o.inProgress()).isZero();
        }
    }

    /** What a client saw of one request, classified as the server should have counted it. */
    private enum Seen { COMPLETED, E500, E429, MALFORMED, DISCONNECTED }

    private static Seen send(MockLlmServer server, int i) throws InterruptedException {
        boolean stream = i % 2 == 0;
        HttpResponse<String> resp;
        try {
            resp = TestHttp.post(chat(server), chatBody("prompt " + i, stream, 4, true));
        } catch (IOException cut) {
            return Seen.DISCONNECTED;
        }
        if (resp.statusCode() == 500) {
            return Seen.E500;
        }
        if (resp.statusCode() == 429) {
            return Seen.E429;
        }
        assertThat(resp.statusCode()).isEqualTo(200);
        String body = resp.body();
        if (stream) {
            return body.startsWith("data: {") && body.endsWith("data: [DONE]\n\n")
                    ? Seen.COMPLETED : Seen.MALFORMED;
        }
        try {
            JsonNode answer = TestHttp.JSON.readTree(body);
            return answer.path("choices").path(0).path("message").has("content")
                    ? Seen.COMPLETED : Seen.MALFORMED;
        } catch (IOException notJson) {
            return Seen.MALFORMED;
        }
    }

    @ParameterizedTest(name = "separateEvents={0}")
    @ValueSource(booleans = {false, true})
    void everyFault_countedExactlyAsTheClientSawIt_andTheEndsSumToReceived(boolean separate)
            throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().separateEvents(separate)
                .errorRate(20).faults(20, 20, 20).build())) {
            int requests = 150;
            long[] seen = new long[Seen.values().length];
            for (int i = 0; i < requests; i++) {
                seen[send(server, i).ordinal()]++;
            }
            // Each end is counted before the client can see it: no waiting needed.
            Outcomes o = server.outcomes();
            assertThat(o.received()).isEqualTo(requests);
            assertThat(o.completed()).isEqualTo(seen[Seen.COMPLETED.ordinal()]);
            assertThat(o.internalServerErrors()).isEqualTo(seen[Seen.E500.ordinal()]);
            assertThat(o.rateLimited()).isEqualTo(seen[Seen.E429.ordinal()]);
            assertThat(o.malformed()).isEqualTo(seen[Seen.MALFORMED.ordinal()]);
            assertThat(o.disconnected()).isEqualTo(seen[Seen.DISCONNECTED.ordinal()]);
            assertThat(o.faults() + o.completed()).isEqualTo(requests);
            assertThat(o.abandoned()).isZero();
            assertThat(o.inProgress()).isZero();
            // Every kind happened, so none of the equalities above holds by being 0 = 0.
            assertThat(seen).doesNotContain(0L);
        }
    }

    @Test
    void stalls_countTheAnswersHeldBack_whichStillComplete() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().stall(3, Duration.ofMillis(5)).build())) {
            for (int i = 0; i < 12; i++) {
                assertThat(TestHttp.post(chat(server), chatBody("p", i % 2 == 0, 2, false)).statusCode())
                        .isEqualTo(200);
            }
            Outcomes o = server.outcomes();
            assertThat(o.stalls()).isEqualTo(4);
            assertThat(o.completed()).isEqualTo(12);
            assertThat(o.received()).isEqualTo(12);
        }
    }

    @Test
    void badRequests_areRejected_andOtherRoutesAreNotInferenceRequests() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().errorRate(100).build())) {
            assertThat(TestHttp.post(chat(server), "{not json").statusCode()).isEqualTo(400);
            assertThat(TestHttp.post(server.baseUrl() + "/v1/messages", "{}").statusCode()).isEqualTo(400);
            assertThat(TestHttp.get(chat(server)).statusCode()).isEqualTo(405);
            assertThat(TestHttp.get(server.baseUrl() + "/v1/models").statusCode()).isEqualTo(200);
            assertThat(TestHttp.get(server.baseUrl() + "/nowhere").statusCode()).isEqualTo(404);

            Outcomes o = server.outcomes();
            assertThat(o.received()).isEqualTo(3);
            assertThat(o.rejected()).isEqualTo(3);
            // No fault is drawn for a request rejected for what it is.
            assertThat(o.internalServerErrors()).isZero();
            assertThat(server.requestCount()).isEqualTo(5);
        }
    }

    private static Socket connect(MockLlmServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static void write(Socket s, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("response head").isNotNegative();
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void clientLeavingMidStream_isAbandoned_notCompletedNorDisconnected() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().ttft(Duration.ofSeconds(30)).build())) {
            try (Socket s = connect(server)) {
                write(s, chatBody("a b", true, 4, false));
                readHead(s); // the stream is open; its first token is 30 s away
            }
            await().atMost(SETTLE).until(() -> server.outcomes().inProgress() == 0);
            Outcomes o = server.outcomes();
            assertThat(o.received()).isEqualTo(1);
            assertThat(o.abandoned()).isEqualTo(1);
            assertThat(o.slowDripsAbandoned()).isZero();
            assertThat(o.completed() + o.disconnected()).isZero();
        }
    }

    @Test
    void clientLeavingBeforeAWholeAnswer_isAbandoned() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().ttft(Duration.ofSeconds(30)).build())) {
            try (Socket s = connect(server)) {
                write(s, chatBody("a b", false, 4, false));
                await().atMost(SETTLE).until(() -> server.outcomes().received() == 1);
            }
            await().atMost(SETTLE).until(() -> server.outcomes().abandoned() == 1);
            assertThat(server.outcomes().inProgress()).isZero();
            assertThat(server.outcomes().completed()).isZero();
        }
    }

    @Test
    void slowDrip_abandonedByTheClient_orRunToItsEnd() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().slowDrip(100, Duration.ofMillis(50)).build())) {
            try (Socket s = connect(server)) {
                write(s, chatBody("a b", true, 4, false));
                readHead(s);
            }
            await().atMost(SETTLE).until(() -> server.outcomes().inProgress() == 0);
            Outcomes o = server.outcomes();
            assertThat(o.slowDrips()).isEqualTo(1);
            assertThat(o.slowDripsAbandoned()).isEqualTo(1);
            assertThat(o.abandoned()).isEqualTo(1);
            assertThat(o.completed()).isZero();
        }
        try (MockLlmServer server = MockLlmServer.start(mock().slowDrip(100, Duration.ofMillis(1)).build())) {
            var req = HttpRequest.newBuilder(URI.create(chat(server))).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody("a", false, 1, false))).build();
            HttpResponse<String> resp = TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(TestHttp.json(resp.body()).path("choices").size()).isEqualTo(1);
            Outcomes o = server.outcomes();
            assertThat(o.slowDrips()).isEqualTo(1);
            assertThat(o.completed()).isEqualTo(1);
            assertThat(o.slowDripsAbandoned() + o.abandoned()).isZero();
        }
    }

    @Test
    void refusedConnections_areCounted_andNoRequestIsRead() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().refuseRate(100).build())) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = connect(server)) {
                    write(s, chatBody("a", false, 1, false));
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                } catch (IOException reset) {
                    // closed before the request went out, or reset on it: refused either way
                }
            }
            await().atMost(SETTLE).until(() -> server.outcomes().refusedConnections() == 3);
            assertThat(server.outcomes().received()).isZero();
        }
    }

    @Test
    void closingTheServer_settlesTheAnswersItCut_asAbandoned() throws Exception {
        MockLlmServer server = MockLlmServer.start(mock().ttft(Duration.ofSeconds(30)).build());
        try (Socket a = connect(server); Socket b = connect(server)) {
            write(a, chatBody("a", true, 4, false));
            write(b, chatBody("b", false, 4, false));
            await().atMost(SETTLE).until(() -> server.outcomes().received() == 2);
            server.close();
            Outcomes o = server.outcomes();
            assertThat(o.abandoned()).isEqualTo(2);
            assertThat(o.inProgress()).isZero();
        } finally {
            server.close();
        }
    }
}
