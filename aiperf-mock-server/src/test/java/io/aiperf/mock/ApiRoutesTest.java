package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route besides chat and completions, at AIPerf's default paths, streaming and whole. */
final class ApiRoutesTest {

    private static MockLlmServer server;

    @BeforeAll
    static void startServer() {
        server = MockLlmServer.start(MockServerOptions.builder().port(0).ttft(Duration.ofMillis(2))
                .itl(Duration.ofMillis(1)).ioThreads(1).reasoningTokens(3).recordRequests(10).build());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Each SSE event as {name, data}; name is null when the event has no {@code event:} line. */
    private static List<String[]> events(String body) {
        List<String[]> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            String name = null;
            String data = null;
            for (String line : event.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            out.add(new String[] {name, data});
        }
        return out;
    }

    private static String url(String path) {
        return server.baseUrl() + path;
    }

    @Test
    void embeddings_oneVectorPerInput_withUsage() throws Exception {
        HttpResponse<String> r = post(url("/v1/embeddings"),
                "{\"model\":\"e\",\"input\":[\"one two\",\"three\",\"four five six\"]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("data")).hasSize(3);
        assertThat(body.path("data").get(2).path("embedding")).hasSize(ApiAnswer.EMBEDDING_DIMENSIONS);
        assertThat(body.path("data").get(2).path("object").asText()).isEqualTo("embedding");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void rankings_scoreEveryPassage_inEachFormat() throws Exception {
        JsonNode nim = json(post(url("/v1/ranking"),
                "{\"model\":\"r\",\"query\":{\"text\":\"q\"},\"passages\":[{\"text\":\"a\"},{\"text\":\"b\"}]}")
                .body());
        assertThat(nim.path("rankings")).hasSize(2);
        assertThat(nim.path("rankings").get(1).has("logit")).isTrue();
        JsonNode cohere = json(post(url("/v2/rerank"),
                "{\"model\":\"r\",\"query\":\"q\",\"documents\":[\"a\",\"b\",\"c\"]}").body());
        assertThat(cohere.path("results")).hasSize(3);
        assertThat(cohere.path("results").get(0).path("relevance_score").asDouble()).isBetween(0.0, 1.0);
        JsonNode tei = json(post(url("/rerank"), "{\"query\":\"q\",\"texts\":[\"a\"]}").body());
        assertThat(tei.isArray()).isTrue();
        assertThat(tei.get(0).has("score")).isTrue();
        assertThat(post(url("/rerank"), "{\"texts\":[\"a\"]}").statusCode()).isEqualTo(400);
    }

    @Test
    void hfGenerate_whole_andStream_lastEventRepeatsTheText() throws Exception {
        JsonNode whole = json(post(url("/generate"),
                "{\"inputs\":\"hi there\",\"parameters\":{\"max_new_tokens\":5}}").body());
        assertThat(whole.path("generated_text").asText().split(" ", -1)).hasSize(6);
        List<String[]> events = events(post(url("/generate_stream"),
                "{\"inputs\":\"hi there\",\"parameters\":{\"max_new_tokens\":5}}").body());
        assertThat(events).hasSize(5);
        StringBuilder joined = new StringBuilder();
        for (String[] e : events) {
            joined.append(json(e[1]).path("token").path("text").asText());
        }
        assertThat(json(events.get(4)[1]).path("generated_text").asText()).isEqualTo(joined.toString());
        assertThat(json(events.get(3)[1]).path("generated_text").isNull()).isTrue();
    }

    @Test
    void responses_stream_reasoningThenText_usageOnCompleted() throws Exception {
        String body = "{\"model\":\"m\",\"stream\":true,\"max_output_tokens\":8,\"input\":[{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a b c\"}]}]}";
        List<String[]> events = events(post(url("/v1/responses"), body).body());
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertThat(names.get(0)).isEqualTo("response.created");
        assertThat(names.stream().filter("response.reasoning_text.delta"::equals).count()).isEqualTo(3);
        assertThat(names.stream().filter("response.output_text.delta"::equals).count()).isEqualTo(5);
        String[] last = events.get(events.size() - 1);
        assertThat(last[0]).isEqualTo("response.completed");
        JsonNode usage = json(last[1]).path("response").path("usage");
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(3);
        assertThat(usage.path("output_tokens").asInt()).isEqualTo(8);
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asInt()).isEqualTo(3);

        JsonNode whole = json(post(url("/v1/responses"), body.replace("\"stream\":true", "\"stream\":false"))
                .body());
        assertThat(whole.path("status").asText()).isEqualTo("completed");
        assertThat(whole.path("output").get(0).path("type").asText()).isEqualTo("reasoning");
        assertThat(whole.path("output").get(1).path("content").get(0).path("type").asText())
                .isEqualTo("output_text");
    }

    @Test
    void messages_needTheVersionHeader_andStreamThinkingThenText() throws Exception {
        String body = "{\"model\":\"claude\",\"max_tokens\":6,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}";
        assertThat(post(url("/v1/messages"), body).statusCode()).isEqualTo(400);
        HttpResponse<String> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(url("/v1/messages")))
                .timeout(Duration.ofSeconds(20)).header("anthropic-version", "2023-06-01")
                .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String[]> events = events(r.body());
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertThat(names).startsWith("message_start", "content_block_start")
                .endsWith("message_delta", "message_stop");
        long thinking = events.stream().filter(e -> "content_block_delta".equals(e[0]))
                .filter(e -> json(e[1]).path("delta").path("type").asText().equals("thinking_delta")).count();
        long text = events.stream().filter(e -> "content_block_delta".equals(e[0]))
                .filter(e -> json(e[1]).path("delta").path("type").asText().equals("text_delta")).count();
        assertThat(thinking).isEqualTo(3);
        assertThat(text).isEqualTo(3);
        assertThat(json(events.get(0)[1]).path("message").path("usage").path("input_tokens").asInt())
                .isEqualTo(2);
        assertThat(json(events.get(events.size() - 2)[1]).path("usage").path("output_tokens").asInt())
                .isEqualTo(6);
        assertThat(server.receivedRequests().get(server.receivedRequests().size() - 1).headers())
                .containsEntry("x-api-key", "k");
    }

    @Test
    void chat_withReasoningTokens_streamsReasoningContentFirst() throws Exception {
        List<String> data = TestHttp.sseData(post(url("/v1/chat/completions"),
                TestHttp.chatBody("a b c", true, 5, true)).body());
        assertThat(json(data.get(0)).path("choices").get(0).path("delta").has("reasoning_content")).isTrue();
        assertThat(json(data.get(2)).path("choices").get(0).path("delta").has("reasoning_content")).isTrue();
        assertThat(json(data.get(3)).path("choices").get(0).path("delta").has("content")).isTrue();
        JsonNode usage = json(data.get(5)).path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asInt()).isEqualTo(3);
        assertThat(data.get(6)).isEqualTo("[DONE]");
    }
}
