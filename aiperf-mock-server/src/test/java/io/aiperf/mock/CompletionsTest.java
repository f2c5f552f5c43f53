package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static io.aiperf.mock.TestHttp.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class CompletionsTest {

    private static MockLlmServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = MockLlmServer.start(MockServerOptions.builder().port(0).fast(true).ioThreads(1).build());
        url = server.baseUrl() + "/v1/completions";
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void completions_nonStreaming_hasTextCompletionShape() throws Exception {
        HttpResponse<String> resp = post(url, "{\"model\":\"m1\",\"prompt\":\"Once upon a time\",\"max_tokens\":7}");

        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode body = json(resp.body());
        assertThat(body.get("id").asText()).startsWith("cmpl-");
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.get("model").asText()).isEqualTo("m1");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("text").asText()).matches("( [a-z]+){7}");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(body.get("usage").get("prompt_tokens").asLong()).isEqualTo(4);
        assertThat(body.get("usage").get("completion_tokens").asLong()).isEqualTo(7);
        assertThat(body.get("usage").get("total_tokens").asLong()).isEqualTo(11);
    }

    @Test
    void completions_streaming_emitsTextChunksUsageAndDone() throws Exception {
        HttpResponse<String> resp = post(url, "{\"model\":\"m1\",\"prompt\":[\"abcd\",\"efgh\"],\"max_tokens\":9,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        List<String> data = sseData(resp.body());
        assertThat(data).hasSize(9 + 2);
        for (int i = 0; i < 9; i++) {
            JsonNode chunk = json(data.get(i));
            assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
            JsonNode choice = chunk.get("choices").get(0);
            assertThat(choice.get("text").asText()).matches(" [a-z]+");
            assertThat(choice.get("finish_reason").isNull()).isEqualTo(i < 8);
        }
        assertThat(json(data.get(8)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = json(data.get(9)).get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(2);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(9);
        assertThat(data.get(10)).isEqualTo("[DONE]");
    }

    @Test
    void completions_withoutPrompt_is400() throws Exception {
        HttpResponse<String> resp = post(url, "{\"model\":\"m1\",\"max_tokens\":3}");

        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("message").asText()).contains("'prompt' is required");
    }

    @Test
    void completions_badMaxTokens_is400WithReason() throws Exception {
        HttpResponse<String> resp = post(url, "{\"prompt\":\"x\",\"max_tokens\":0}");

        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("message").asText())
                .isEqualTo("'max_tokens' was 0 but it must be between 1 and 1048576");
    }

    @Test
    void fast_streaming_returnsAllTokens() throws Exception {
        HttpResponse<String> resp = post(url, "{\"prompt\":\"x\",\"max_tokens\":5000,\"stream\":true}");

        List<String> data = sseData(resp.body());
        assertThat(data).hasSize(5001);
        assertThat(data.get(5000)).isEqualTo("[DONE]");
        assertThat(json(data.get(4999)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void fast_nonStreaming_largePrompt_works() throws Exception {
        String prompt = "abc ".repeat(1024 * 1024); // 4 MiB, 1 Mi words
        HttpResponse<String> resp = post(url, "{\"prompt\":\"" + prompt + "\",\"max_tokens\":3}");

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(json(resp.body()).get("usage").get("prompt_tokens").asLong()).isEqualTo(1024 * 1024);
    }
}
