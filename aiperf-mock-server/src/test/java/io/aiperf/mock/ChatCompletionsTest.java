package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static io.aiperf.mock.TestHttp.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class ChatCompletionsTest {

    private static MockLlmServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = MockLlmServer.start(MockServerOptions.builder()
                .port(0)
                .ttft(Duration.ofMillis(2))
                .itl(Duration.ofMillis(1))
                .ioThreads(2)
                .build());
        url = server.baseUrl() + "/v1/chat/completions";
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void chat_streaming_emitsExactlyMaxTokens() throws Exception {
        HttpResponse<String> resp = post(url, chatBody("Hello there", true, 20, true));

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(resp.headers().firstValue("transfer-encoding")).hasValue("chunked");
        List<String> data = sseData(resp.body());
        assertThat(data).hasSize(20 + 1 + 1);
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");

        List<JsonNode> content = data.subList(0, 20).stream().map(TestHttp::json).toList();
        String id = content.get(0).get("id").asText();
        assertThat(id).startsWith("chatcmpl-");
        for (int i = 0; i < content.size(); i++) {
            JsonNode chunk = content.get(i);
            assertThat(chunk.get("id").asText()).isEqualTo(id);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").asText()).isEqualTo("test-model");
            assertThat(chunk.get("created").asLong()).isPositive();
            JsonNode choice = chunk.get("choices").get(0);
            assertThat(choice.get("index").asInt()).isZero();
            assertThat(choice.get("delta").get("content").asText()).matches(" [a-z]+");
            if (i == 0) {
                assertThat(choice.get("delta").get("role").asText()).isEqualTo("assistant");
            }
            if (i < content.size() - 1) {
                assertThat(choice.get("finish_reason").isNull()).isTrue();
            } else {
                assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
            }
        }

        JsonNode usageChunk = json(data.get(20));
        assertThat(usageChunk.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(usageChunk.get("id").asText()).isEqualTo(id);
        assertThat(usageChunk.get("choices")).isEmpty();
        JsonNode usage = usageChunk.get("usage");
        long promptTokens = 2; // one token per word: "Hello there"
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(promptTokens);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(20);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(promptTokens + 20);
    }

    @Test
    void chat_streaming_withoutIncludeUsage_hasNoUsageChunk() throws Exception {
        List<String> data = sseData(post(url, chatBody("Hello there", true, 5, false)).body());

        assertThat(data).hasSize(5 + 1);
        assertThat(data.get(5)).isEqualTo("[DONE]");
        assertThat(data.subList(0, 5)).allSatisfy(d -> assertThat(json(d).has("usage")).isFalse());
    }

    @Test
    void chat_nonStreaming_hasOpenAiShape() throws Exception {
        HttpResponse<String> resp = post(url, chatBody("Tell me a story", false, 12, false));

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = json(resp.body());
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("test-model");
        assertThat(body.get("created").asLong()).isPositive();
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        String content = choice.get("message").get("content").asText();
        assertThat(content).matches("( [a-z]+){12}");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(4); // "Tell me a story"
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(12);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(16);
    }

    @Test
    void chat_sameInput_givesSameWords_streamedOrNot() throws Exception {
        String streamed = sseData(post(url, chatBody("same prompt", true, 30, false)).body()).stream()
                .filter(d -> !d.equals("[DONE]"))
                .map(d -> json(d).get("choices").get(0).get("delta").get("content").asText())
                .reduce("", String::concat);
        String whole = json(post(url, chatBody("same prompt", false, 30, false)).body())
                .get("choices").get(0).get("message").get("content").asText();
        String other = json(post(url, chatBody("another prompt", false, 30, false)).body())
                .get("choices").get(0).get("message").get("content").asText();

        assertThat(streamed).isEqualTo(whole);
        assertThat(other).isNotEqualTo(whole);
    }

    @Test
    void chat_withoutMaxTokens_lengthIsNearPromptEstimateAndStops() throws Exception {
        String prompt = "word ".repeat(400); // 400 words: 400 prompt tokens
        JsonNode first = json(post(url, chatBody(prompt, false, null, false)).body());
        JsonNode again = json(post(url, chatBody(prompt, false, null, false)).body());

        long n = first.get("usage").get("completion_tokens").asLong();
        assertThat(first.get("usage").get("prompt_tokens").asLong()).isEqualTo(400);
        assertThat(n).isBetween(320L, 480L);
        assertThat(first.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(again.get("usage").get("completion_tokens").asLong()).isEqualTo(n);
        assertThat(first.get("choices").get(0).get("message").get("content").asText().split(" "))
                .hasSize((int) n + 1); // a leading space gives one empty element
    }

    @Test
    void chat_shortPrompt_withoutMaxTokens_givesAtLeast16() throws Exception {
        JsonNode body = json(post(url, chatBody("hi", false, null, false)).body());

        assertThat(body.get("usage").get("completion_tokens").asLong()).isEqualTo(16);
    }

    @Test
    void chat_minTokens_raisesDefaultLength() throws Exception {
        String req = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"min_tokens\":40}";
        JsonNode body = json(post(url, req).body());

        assertThat(body.get("usage").get("completion_tokens").asLong()).isEqualTo(40);
        assertThat(body.get("model").asText()).isEqualTo("mock-model");
    }

    @Test
    void chat_maxTokensAndIgnoreEos_isExact() throws Exception {
        String req = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":33,\"ignore_eos\":true,\"min_tokens\":33}";
        JsonNode body = json(post(url, req).body());

        assertThat(body.get("usage").get("completion_tokens").asLong()).isEqualTo(33);
        assertThat(body.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void chat_contentParts_countOnlyTextParts() throws Exception {
        String req = "{\"model\":\"m\",\"max_completion_tokens\":3,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"12345678\"},"
                + "{\"role\":\"user\",\"content\":[{\"text\":\"abcd\",\"type\":\"text\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
                + "{\"type\":\"text\",\"text\":\"efgh\"}]}]}";
        JsonNode body = json(post(url, req).body());

        assertThat(body.get("usage").get("prompt_tokens").asLong()).isEqualTo(3); // 3 words
    }

    @Test
    void chat_modelName_isEscapedInJson() throws Exception {
        String req = "{\"model\":\"we\\\"ird\\\\mödel\",\"max_tokens\":2,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> data = sseData(post(url, req).body());

        assertThat(json(data.get(0)).get("model").asText()).isEqualTo("we\"ird\\mödel");
    }

    @Test
    void chat_manyConcurrentStreams_allComplete() throws Exception {
        int streams = 300;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            futures.add(TestHttp.CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofString(chatBody("prompt " + i, true, 10, true)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : futures) {
            HttpResponse<String> resp = f.get();
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(sseData(resp.body())).hasSize(12).last().isEqualTo("[DONE]");
        }
    }

    @Test
    void chat_streaming_honoursAbsoluteSchedule() throws Exception {
        try (MockLlmServer timed = MockLlmServer.start(MockServerOptions.builder()
                .port(0)
                .ttft(Duration.ofMillis(50))
                .itl(Duration.ofMillis(10))
                .build())) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(timed.baseUrl() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody("time me", true, 10, false)))
                    .build();
            long start = System.nanoTime();
            HttpResponse<Stream<String>> resp = TestHttp.CLIENT.send(req, HttpResponse.BodyHandlers.ofLines());
            List<Long> arrivals = new ArrayList<>();
            resp.body().forEach(line -> {
                if (line.startsWith("data: {")) {
                    arrivals.add(System.nanoTime() - start);
                }
            });
            long total = System.nanoTime() - start;

            assertThat(arrivals).hasSize(10);
            assertThat(Duration.ofNanos(arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(Duration.ofNanos(arrivals.get(9))).isGreaterThanOrEqualTo(Duration.ofMillis(140));
            assertThat(Duration.ofNanos(total)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
        }
    }

    @Test
    void chat_nonStreaming_waitsTtftPlusItlTimesNMinusOne() throws Exception {
        try (MockLlmServer timed = MockLlmServer.start(MockServerOptions.builder()
                .port(0)
                .ttft(Duration.ofMillis(50))
                .itl(Duration.ofMillis(10))
                .build())) {
            long start = System.nanoTime();
            HttpResponse<String> resp = post(timed.baseUrl() + "/v1/chat/completions", chatBody("x", false, 10, false));
            long elapsed = System.nanoTime() - start;

            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
        }
    }
}
