package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** max_tokens as vLLM's cap (natural stop, ignore_eos, min_tokens), tool calls, media routes. */
final class NaturalStopAndToolsTest {

    private static MockLlmServer natural;
    private static MockLlmServer scripted;

    @BeforeAll
    static void startServers() {
        natural = MockLlmServer.start(MockServerOptions.builder().port(0).ttft(Duration.ofMillis(1))
                .itl(Duration.ZERO).ioThreads(1).naturalStop(true).build());
        scripted = MockLlmServer.start(MockServerOptions.builder().port(0).ttft(Duration.ofMillis(1))
                .itl(Duration.ZERO).ioThreads(1).build());
    }

    @AfterAll
    static void stopServers() {
        natural.close();
        scripted.close();
    }

    private static String chat(String prompt, int max, String more) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + TestHttp.quote(prompt)
                + "}],\"max_tokens\":" + max + more + "}";
    }

    private static JsonNode usageOf(MockLlmServer server, String body) throws Exception {
        HttpResponse<String> r = post(server.baseUrl() + "/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    @Test
    void naturalStop_capsAtMaxTokens_andStopsEarlierOnItsOwn() throws Exception {
        int early = 0;
        for (int i = 0; i < 40; i++) {
            JsonNode a = usageOf(natural, chat("prompt number " + i, 300, ""));
            int tokens = a.path("usage").path("completion_tokens").asInt();
            String finish = a.path("choices").path(0).path("finish_reason").asText();
            assertThat(tokens).isBetween(OutputLength.NATURAL_MIN, 300);
            // "length" exactly at the cap, "stop" below it: what vLLM reports.
            assertThat(finish).isEqualTo(tokens == 300 ? "length" : "stop");
            early += tokens < 300 ? 1 : 0;
        }
        // 64..512 uniform: about half stop before 300; never all and never none.
        assertThat(early).isBetween(5, 35);
    }

    @Test
    void naturalStop_withoutMaxTokens_isShort() throws Exception {
        String longPrompt = "word ".repeat(2000);
        JsonNode a = json(post(natural.baseUrl() + "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}").body());
        assertThat(a.path("usage").path("completion_tokens").asInt())
                .isBetween(OutputLength.NATURAL_MIN, OutputLength.NATURAL_MAX);
        // Messages and Responses too: every generative route stops on its own.
        HttpResponse<String> r = TestHttp.CLIENT.send(HttpRequest.newBuilder(
                URI.create(natural.baseUrl() + "/v1/responses")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"" + longPrompt + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(r.body()).path("usage").path("output_tokens").asInt())
                .isBetween(OutputLength.NATURAL_MIN, OutputLength.NATURAL_MAX);
    }

    @Test
    void ignoreEosOrMinTokens_runToTheCap() throws Exception {
        for (int i = 0; i < 10; i++) {
            JsonNode a = usageOf(natural, chat("p " + i, 500, ",\"ignore_eos\":true"));
            assertThat(a.path("usage").path("completion_tokens").asInt()).isEqualTo(500);
            JsonNode b = usageOf(natural, chat("p " + i, 500, ",\"min_tokens\":500"));
            assertThat(b.path("usage").path("completion_tokens").asInt()).isEqualTo(500);
        }
    }

    @Test
    void scriptedServer_answersExactlyMaxTokens() throws Exception {
        for (int i = 0; i < 10; i++) {
            JsonNode a = usageOf(scripted, chat("p " + i, 300, ""));
            assertThat(a.path("usage").path("completion_tokens").asInt()).isEqualTo(300);
        }
    }

    private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\"}}}]";

    @Test
    void chatWithTools_callsTheFirstTool_streamedAsDeltas() throws Exception {
        HttpResponse<String> r = post(scripted.baseUrl() + "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],\"stream\":true,"
                        + "\"tools\":" + TOOLS + ",\"max_tokens\":5,\"stream_options\":{\"include_usage\":true}}");
        List<String> data = TestHttp.sseData(r.body());
        StringBuilder args = new StringBuilder();
        String name = null;
        String finish = null;
        for (String d : data) {
            if (d.equals("[DONE]")) {
                continue;
            }
            JsonNode e = json(d);
            JsonNode call = e.path("choices").path(0).path("delta").path("tool_calls").path(0);
            if (!call.isMissingNode()) {
                if (call.path("function").has("name")) {
                    name = call.path("function").path("name").asText();
                }
                args.append(call.path("function").path("arguments").asText());
                finish = e.path("choices").path(0).path("finish_reason").asText(null);
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(json(args.toString()).path("input").asText().strip()).isNotEmpty();
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(json(data.get(data.size() - 2)).path("usage").path("completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void toolChoiceNone_answersText() throws Exception {
        JsonNode a = usageOf(scripted, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":" + TOOLS + ",\"tool_choice\":\"none\",\"max_tokens\":3}");
        assertThat(a.path("choices").path(0).path("message").path("content").asText()).isNotEmpty();
        assertThat(a.path("choices").path(0).path("message").has("tool_calls")).isFalse();
    }

    @Test
    void messagesAndResponsesWithTools_answerWithToolUse() throws Exception {
        HttpResponse<String> m = TestHttp.CLIENT.send(HttpRequest.newBuilder(
                URI.create(scripted.baseUrl() + "/v1/messages")).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"max_tokens\":4,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"name\":\"lookup\","
                        + "\"input_schema\":{\"type\":\"object\"}}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode message = json(m.body());
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("content").path(0).path("name").asText()).isEqualTo("lookup");
        assertThat(message.path("content").path(0).path("input").path("input").isTextual()).isTrue();
        JsonNode r = json(post(scripted.baseUrl() + "/v1/responses", "{\"model\":\"m\",\"input\":\"x\","
                + "\"max_output_tokens\":4,\"tools\":[{\"type\":\"function\",\"name\":\"find\"}]}").body());
        assertThat(r.path("output").path(0).path("type").asText()).isEqualTo("function_call");
        assertThat(r.path("output").path(0).path("name").asText()).isEqualTo("find");
        assertThat(r.path("usage").path("output_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void imageGeneration_wholeAndStreamed() throws Exception {
        JsonNode whole = json(post(scripted.baseUrl() + "/v1/images/generations",
                "{\"model\":\"m\",\"prompt\":\"a cat\",\"n\":2,\"response_format\":\"b64_json\"}").body());
        assertThat(whole.path("data")).hasSize(2);
        assertThat(whole.path("data").path(0).path("b64_json").asText()).isEqualTo(MediaRoutes.PNG_B64);
        String streamed = post(scripted.baseUrl() + "/v1/images/generations",
                "{\"model\":\"m\",\"prompt\":\"a cat\",\"stream\":true,\"partial_images\":2}").body();
        assertThat(streamed).contains("event: image_generation.partial_image")
                .contains("event: image_generation.completed");
        assertThat(streamed.split("image_generation.partial_image\n").length - 1).isEqualTo(2);
        HttpResponse<String> bad = post(scripted.baseUrl() + "/v1/images/generations", "{\"model\":\"m\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("'prompt' is required");
    }

    private static HttpResponse<String> multipart(String path, String[][] fields, String fileField,
            String filename, byte[] file) throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] f : fields) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0]
                    + "\"\r\n\r\n" + f[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(scripted.baseUrl() + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void imageEdit_takesAMultipartUpload() throws Exception {
        byte[] png = java.util.Base64.getDecoder().decode(MediaRoutes.PNG_B64);
        HttpResponse<String> r = multipart("/v1/images/edits",
                new String[][] {{"prompt", "make it blue"}, {"model", "m"}, {"n", "1"}}, "image", "image.png", png);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).path("data")).hasSize(1);
        HttpResponse<String> noImage = multipart("/v1/images/edits",
                new String[][] {{"prompt", "x"}, {"model", "m"}}, "image", "x", null);
        assertThat(noImage.statusCode()).isEqualTo(400);
        assertThat(noImage.body()).contains("'image' is required");
    }

    @Test
    void transcription_hasWordsForTheAudiosLength() throws Exception {
        byte[] wav = wav(16000, 4.0);
        HttpResponse<String> r = multipart("/v1/audio/transcriptions", new String[][] {{"model", "whisper"}},
                "file", "audio.wav", wav);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode t = json(r.body());
        assertThat(t.path("text").asText().split("\\s+")).hasSize(10); // 4 s at 2.5 words/s
        assertThat(t.path("usage").path("seconds").asInt()).isEqualTo(4);
        assertThat(MediaRoutes.wavSeconds(wav)).isEqualTo(4.0);
    }

    /** A silent mono 16-bit WAV of this length. */
    static byte[] wav(int rate, double seconds) {
        int data = (int) (rate * seconds) * 2;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        return b.array();
    }

    @Test
    void chatStyleEmbeddings_embedTheConversation() throws Exception {
        JsonNode e = json(post(scripted.baseUrl() + "/v1/embeddings", "{\"model\":\"m\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi there\"}]}]}").body());
        assertThat(e.path("data")).hasSize(1);
        assertThat(e.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
    }

}
