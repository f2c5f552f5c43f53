package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

final class ErrorRateTest {

    private static int countErrors(double rate, int requests) throws Exception {
        try (MockLlmServer server = MockLlmServer.start(
                MockServerOptions.builder().port(0).fast(true).errorRate(rate).seed(42).ioThreads(1).build())) {
            int errors = 0;
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> resp = post(server.baseUrl() + "/v1/chat/completions", chatBody("p" + i, i % 2 == 0, 2, false));
                if (resp.statusCode() == 500) {
                    errors++;
                } else {
                    assertThat(resp.statusCode()).isEqualTo(200);
                }
            }
            return errors;
        }
    }

    @Test
    void errorRate100_failsEveryInferenceRequest() throws Exception {
        assertThat(countErrors(100, 20)).isEqualTo(20);
    }

    @Test
    void errorRate0_failsNothing() throws Exception {
        assertThat(countErrors(0, 20)).isZero();
    }

    @Test
    void errorRate50_failsRoughlyHalf() throws Exception {
        assertThat(countErrors(50, 200)).isBetween(60, 140);
    }

    @Test
    void injectedError_hasOpenAiErrorBody_andHealthStillWorks() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(
                MockServerOptions.builder().port(0).errorRate(100).build())) {
            HttpResponse<String> resp = post(server.baseUrl() + "/v1/completions", "{\"prompt\":\"x\"}");
            HttpResponse<String> health = TestHttp.get(server.baseUrl() + "/health");

            assertThat(resp.statusCode()).isEqualTo(500);
            JsonNode error = json(resp.body()).get("error");
            assertThat(error.get("message").asText()).isEqualTo("Mock server injected error");
            assertThat(error.get("type").asText()).isEqualTo("server_error");
            assertThat(error.get("code").asInt()).isEqualTo(500);
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
