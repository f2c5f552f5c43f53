package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.get;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class RoutingTest {

    private static MockLlmServer server;

    @BeforeAll
    static void startServer() {
        server = MockLlmServer.start(MockServerOptions.builder().port(0).fast(true).ioThreads(1).build());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void health_isOk() throws Exception {
        HttpResponse<String> resp = get(server.baseUrl() + "/health");

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void models_listsMockModel() throws Exception {
        JsonNode body = json(get(server.baseUrl() + "/v1/models").body());

        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("data").get(0).get("id").asText()).isEqualTo("mock-model");
        assertThat(body.get("data").get(0).get("object").asText()).isEqualTo("model");
    }

    @Test
    void unknownPath_is404Json() throws Exception {
        HttpResponse<String> resp = get(server.baseUrl() + "/v1/nope");

        assertThat(resp.statusCode()).isEqualTo(404);
        JsonNode error = json(resp.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(404);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("/v1/nope");
    }

    @Test
    void wrongMethod_is405WithAllow() throws Exception {
        HttpResponse<String> getChat = get(server.baseUrl() + "/v1/chat/completions");
        HttpResponse<String> postHealth = post(server.baseUrl() + "/health", "{}");

        assertThat(getChat.statusCode()).isEqualTo(405);
        assertThat(getChat.headers().firstValue("allow")).hasValue("POST");
        assertThat(json(getChat.body()).get("error").get("code").asInt()).isEqualTo(405);
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void malformedJson_is400() throws Exception {
        HttpResponse<String> resp = post(server.baseUrl() + "/v1/chat/completions", "{\"messages\": [oops");

        assertThat(resp.statusCode()).isEqualTo(400);
        JsonNode error = json(resp.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("message").asText()).startsWith("Request body is not valid JSON");
    }

    @Test
    void wrongFieldType_is400() throws Exception {
        HttpResponse<String> resp = post(server.baseUrl() + "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"ten\"}");

        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("message").asText()).isEqualTo("'max_tokens' must be an integer");
    }

    @Test
    void requestCount_countsEveryRequest() throws Exception {
        long before = server.requestCount();
        get(server.baseUrl() + "/health");
        get(server.baseUrl() + "/nope");
        post(server.baseUrl() + "/v1/chat/completions", chatBody("x", false, 1, false));

        assertThat(server.requestCount() - before).isGreaterThanOrEqualTo(3);
    }

    @Test
    void connectionClose_isHonoured() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            // readAllBytes returning at all proves the server closed the connection.
            assertThat(all).startsWith("HTTP/1.1 200 OK").contains("connection: close").endsWith("{\"status\":\"ok\"}");
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrderOnOneConnection() throws Exception {
        String chat = chatBody("pipelined", true, 3, false);
        String req1 = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + chat.length() + "\r\n\r\n" + chat;
        String req2 = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((req1 + req2).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            int done = all.indexOf("data: [DONE]");
            int second = all.indexOf("HTTP/1.1 200 OK", 1);
            assertThat(all).startsWith("HTTP/1.1 200 OK");
            assertThat(done).isPositive();
            assertThat(second).isGreaterThan(done);
            assertThat(all).endsWith("{\"status\":\"ok\"}");
        }
    }

    @Test
    void keepAlive_servesManyRequestsOnOneConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                String line;
                int length = -1;
                while (!(line = in.readLine()).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                assertThat(new String(body)).isEqualTo("{\"status\":\"ok\"}");
            }
        }
    }

    @Test
    void clientDisconnectMidStream_leavesServerHealthy() throws Exception {
        try (MockLlmServer slow = MockLlmServer.start(MockServerOptions.builder()
                .port(0).ttft(java.time.Duration.ZERO).itl(java.time.Duration.ofMillis(2)).ioThreads(1).build())) {
            String chat = chatBody("long", true, 100_000, false);
            for (int i = 0; i < 5; i++) {
                try (Socket s = new Socket("127.0.0.1", slow.port())) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Length: " + chat.length() + "\r\n\r\n" + chat).getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    byte[] buf = new byte[4096];
                    assertThat(s.getInputStream().read(buf)).isPositive();
                }
            }
            HttpResponse<String> health = get(slow.baseUrl() + "/health");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(slow.requestCount()).isEqualTo(6);
        }
    }
}
