package io.aiperf.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Answers in the formats besides the fast chat/completions path: embeddings, rerankers, TGI
 * generate, the OpenAI Responses API, Anthropic Messages, and chat with reasoning. Built with
 * Jackson trees: clearer than hand-assembled bytes, and these routes are not used to measure a
 * client's ceiling.
 *
 * <p>Generative answers have {@code tokens} tokens, of which the first {@code reasoning} are
 * reasoning (thinking) and the rest are output text, one token per streamed event; usage counts
 * reasoning inside the completion tokens, as OpenAI does.
 */
final class ApiAnswer implements Answer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Dimensions of a mock embedding: enough to look like one, small enough to be cheap. */
    static final int EMBEDDING_DIMENSIONS = 16;

    private final Endpoint endpoint;
    private final String id;
    private final String model;
    private final long created;
    private final int tokens;
    private final int reasoning;
    private final long promptTokens;
    private final int items;
    private final boolean includeUsage;
    private final long wordSeed;
    private final String finishReason;
    /** Prompt tokens the usage reports as cached; set on the router's thread before the answer is sent. */
    private long cachedTokens;
    /** The text streamed so far, for the events that repeat it (TGI's last, Responses' done). */
    private final StringBuilder streamed = new StringBuilder();

    private ApiAnswer(Endpoint endpoint, String id, String model, long created, int tokens,
            int reasoning, long promptTokens, int items, boolean includeUsage, long wordSeed,
            String finishReason) {
        this.endpoint = endpoint;
        this.id = id;
        this.model = model;
        this.created = created;
        this.tokens = tokens;
        this.reasoning = reasoning;
        this.promptTokens = promptTokens;
        this.items = items;
        this.includeUsage = includeUsage;
        this.wordSeed = wordSeed;
        this.finishReason = finishReason;
    }

    /** Plans the answer to a request on one of the API routes. */
    @Override
    public long promptTokens() {
        return promptTokens;
    }

    @Override
    public String finishReason() {
        return finishReason;
    }

    static ApiAnswer plan(ApiRequest req, String id, long created, long seed, int reasoningTokens) {
        return plan(req, id, created, seed, reasoningTokens, false);
    }

    /** Plans the answer; with {@code naturalStop} {@code max_tokens} is a cap (see {@link OutputLength}). */
    static ApiAnswer plan(ApiRequest req, String id, long created, long seed, int reasoningTokens,
            boolean naturalStop) {
        long prompt = Math.max(1, req.promptWords());
        int tokens = 1;
        int reasoning = 0;
        String finish = "stop";
        if (req.endpoint().generates()) {
            OutputLength length = OutputLength.plan(req.maxTokens(), req.minTokens(), req.ignoreEos(),
                    prompt, seed ^ req.promptHash(), naturalStop);
            tokens = length.tokens();
            finish = length.finishReason();
            // At least one output token follows the reasoning, so output text always exists.
            boolean reasons = req.endpoint() == Endpoint.RESPONSES || req.endpoint() == Endpoint.MESSAGES;
            reasoning = reasons ? Math.min(reasoningTokens, tokens - 1) : 0;
        }
        long wordSeed = Vocabulary.mix(req.promptHash() + seed * 0x9E3779B97F4A7C15L);
        return new ApiAnswer(req.endpoint(), id, req.model(), created, tokens, reasoning, prompt,
                req.items(), req.includeUsage(), wordSeed, finish);
    }

    /** Plans a chat answer that reasons first (the fast path has no reasoning). */
    static ApiAnswer planChat(InferenceRequest req, String id, long created, long seed,
            int reasoningTokens) {
        return planChat(req, id, created, seed, reasoningTokens, false);
    }

    /** Plans a chat answer that reasons first, its length as {@link Completion#plan} plans it. */
    static ApiAnswer planChat(InferenceRequest req, String id, long created, long seed,
            int reasoningTokens, boolean naturalStop) {
        Completion plain = Completion.plan(req, id, created, seed, naturalStop);
        int tokens = plain.tokens();
        return new ApiAnswer(Endpoint.CHAT, id, req.model(), created, tokens,
                Math.min(reasoningTokens, tokens - 1), req.promptTokens(), 1, req.includeUsage(),
                Vocabulary.mix(req.promptHash() + seed * 0x9E3779B97F4A7C15L),
                plain.finishReason());
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public Vocabulary.Sequence words() {
        return new Vocabulary.Sequence(wordSeed);
    }

    @Override
    public int maxChunkBytes() {
        return 512 + model.length() + id.length();
    }

    @Override
    public void appendHead(ByteBuf out) {
        switch (endpoint) {
            case RESPONSES: {
                ObjectNode e = event("response.created");
                e.set("response", response("in_progress", null, null));
                sse(out, "response.created", e);
                break;
            }
            case MESSAGES: {
                ObjectNode e = event("message_start");
                ObjectNode message = message();
                message.putArray("content");
                message.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", 1);
                e.set("message", message);
                sse(out, "message_start", e);
                blockStart(out, 0, reasoning > 0 ? "thinking" : "text");
                break;
            }
            default:
                break;
        }
    }

    @Override
    public int reasoningTokens() {
        return reasoning;
    }

    /** Chat only: the role with empty content, as OpenAI's first chunk. */
    @Override
    public boolean appendRole(ByteBuf out) {
        if (endpoint != Endpoint.CHAT) {
            return false;
        }
        ObjectNode e = chatEnvelope("chat.completion.chunk");
        ObjectNode choice = e.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta").put("role", "assistant").put("content", "");
        choice.putNull("finish_reason");
        sse(out, null, e);
        return true;
    }

    @Override
    public void appendChunk(ByteBuf out, int i, int word) {
        appendChunk(out, i, word, true);
    }

    @Override
    public void appendChunkWithoutRole(ByteBuf out, int i, int word) {
        appendChunk(out, i, word, false);
    }

    private void appendChunk(ByteBuf out, int i, int word, boolean role) {
        String w = Vocabulary.WORDS.get(word);
        boolean thinking = i < reasoning;
        boolean last = i == tokens - 1;
        switch (endpoint) {
            case CHAT: {
                ObjectNode e = chatEnvelope("chat.completion.chunk");
                ObjectNode choice = e.putArray("choices").addObject().put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                if (i == 0 && role) {
                    delta.put("role", "assistant");
                }
                delta.put(thinking ? "reasoning_content" : "content", w);
                choice.put("finish_reason", last ? finishReason : null);
                sse(out, null, e);
                break;
            }
            case RESPONSES: {
                String type = thinking ? "response.reasoning_text.delta" : "response.output_text.delta";
                ObjectNode e = event(type).put("item_id", (thinking ? "rs_" : "msg_") + id)
                        .put("output_index", thinking ? 0 : (reasoning > 0 ? 1 : 0))
                        .put("content_index", 0).put("delta", w);
                sse(out, type, e);
                if (!thinking) {
                    streamed.append(w);
                }
                break;
            }
            case MESSAGES: {
                if (i == reasoning && reasoning > 0) {
                    sse(out, "content_block_stop", event("content_block_stop").put("index", 0));
                    blockStart(out, 1, "text");
                }
                ObjectNode e = event("content_block_delta").put("index", thinking || reasoning == 0 ? 0 : 1);
                ObjectNode delta = e.putObject("delta");
                if (thinking) {
                    delta.put("type", "thinking_delta").put("thinking", w);
                } else {
                    delta.put("type", "text_delta").put("text", w);
                }
                sse(out, "content_block_delta", e);
                break;
            }
            case HF_GENERATE_STREAM: {
                streamed.append(w);
                ObjectNode e = JSON.createObjectNode().put("index", i);
                e.putObject("token").put("id", word).put("text", w).put("logprob", -0.25)
                        .put("special", false);
                // TGI repeats the whole text on the last event; a client must not count it twice.
                e.put("generated_text", last ? streamed.toString() : null);
                e.putNull("details");
                sse(out, null, e);
                break;
            }
            default:
                throw new IllegalStateException(endpoint + " does not stream");
        }
    }

    @Override
    public void appendTrailer(ByteBuf out) {
        switch (endpoint) {
            case CHAT:
                if (includeUsage) {
                    ObjectNode e = chatEnvelope("chat.completion.chunk");
                    e.putArray("choices");
                    e.set("usage", openAiUsage());
                    sse(out, null, e);
                }
                out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                break;
            case RESPONSES: {
                ObjectNode done = event("response.output_text.done").put("output_index", reasoning > 0 ? 1 : 0)
                        .put("content_index", 0).put("text", streamed.toString());
                sse(out, "response.output_text.done", done);
                ObjectNode e = event("response.completed");
                e.set("response", response("completed", null, responsesUsage()));
                sse(out, "response.completed", e);
                break;
            }
            case MESSAGES: {
                sse(out, "content_block_stop", event("content_block_stop").put("index", reasoning > 0 ? 1 : 0));
                ObjectNode e = event("message_delta");
                e.putObject("delta").put("stop_reason", anthropicStop()).putNull("stop_sequence");
                e.putObject("usage").put("output_tokens", tokens);
                sse(out, "message_delta", e);
                sse(out, "message_stop", event("message_stop"));
                break;
            }
            default:
                break;
        }
    }

    @Override
    public ByteBuf body(ByteBufAllocator alloc) {
        Object body;
        Vocabulary.Sequence seq = words();
        StringBuilder think = new StringBuilder();
        StringBuilder text = new StringBuilder();
        if (endpoint.generates()) {
            for (int i = 0; i < tokens; i++) {
                (i < reasoning ? think : text).append(Vocabulary.WORDS.get(seq.next()));
            }
        }
        switch (endpoint) {
            case CHAT: {
                ObjectNode e = chatEnvelope("chat.completion");
                ObjectNode choice = e.putArray("choices").addObject().put("index", 0);
                ObjectNode message = choice.putObject("message").put("role", "assistant");
                if (reasoning > 0) {
                    message.put("reasoning_content", think.toString());
                }
                message.put("content", text.toString());
                choice.put("finish_reason", finishReason);
                e.set("usage", openAiUsage());
                body = e;
                break;
            }
            case EMBEDDINGS: {
                ObjectNode e = JSON.createObjectNode().put("object", "list");
                ArrayNode data = e.putArray("data");
                for (int i = 0; i < items; i++) {
                    ArrayNode vector = data.addObject().put("object", "embedding").put("index", i)
                            .putArray("embedding");
                    for (int d = 0; d < EMBEDDING_DIMENSIONS; d++) {
                        vector.add(score(i * 31L + d) * 2 - 1);
                    }
                }
                e.put("model", model);
                e.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
                body = e;
                break;
            }
            case NIM_RANKINGS: {
                ObjectNode e = JSON.createObjectNode();
                ArrayNode r = e.putArray("rankings");
                for (int i = 0; i < items; i++) {
                    r.addObject().put("index", i).put("logit", score(i) * 20 - 10);
                }
                body = e;
                break;
            }
            case COHERE_RANKINGS: {
                ObjectNode e = JSON.createObjectNode().put("id", id);
                ArrayNode r = e.putArray("results");
                for (int i = 0; i < items; i++) {
                    r.addObject().put("index", i).put("relevance_score", score(i));
                }
                e.putObject("meta").putObject("billed_units").put("search_units", 1);
                body = e;
                break;
            }
            case TEI_RANKINGS: {
                ArrayNode r = JSON.createArrayNode();
                for (int i = 0; i < items; i++) {
                    r.addObject().put("index", i).put("score", score(i));
                }
                body = r;
                break;
            }
            case HF_GENERATE:
                body = JSON.createObjectNode().put("generated_text", text.toString());
                break;
            case RESPONSES:
                body = response("completed", new String[] {think.toString(), text.toString()},
                        responsesUsage());
                break;
            case MESSAGES: {
                ObjectNode m = message();
                ArrayNode content = m.putArray("content");
                if (reasoning > 0) {
                    content.addObject().put("type", "thinking").put("thinking", think.toString())
                            .put("signature", "mock");
                }
                content.addObject().put("type", "text").put("text", text.toString());
                m.put("stop_reason", anthropicStop()).putNull("stop_sequence");
                m.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", tokens);
                body = m;
                break;
            }
            default:
                throw new IllegalStateException("no body for " + endpoint);
        }
        return alloc.buffer().writeBytes(bytes(body));
    }

    /** A score in [0, 1) that depends on the answer and the item only. */
    private double score(long item) {
        return (Vocabulary.mix(wordSeed ^ (item * 0x9E3779B97F4A7C15L)) >>> 11) * 0x1.0p-53;
    }

    private String anthropicStop() {
        return finishReason.equals("length") ? "max_tokens" : "end_turn";
    }

    /** Reports up to {@code tokens} of the prompt as read from the prefix cache (set before sending). */
    void cachePrompt(long tokens) {
        cachedTokens = Math.min(tokens, promptTokens);
    }

    private ObjectNode openAiUsage() {
        ObjectNode u = JSON.createObjectNode().put("prompt_tokens", promptTokens)
                .put("completion_tokens", tokens).put("total_tokens", promptTokens + tokens);
        if (cachedTokens > 0) {
            u.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        }
        if (reasoning > 0) {
            u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        }
        return u;
    }

    private ObjectNode responsesUsage() {
        ObjectNode u = JSON.createObjectNode().put("input_tokens", promptTokens)
                .put("output_tokens", tokens).put("total_tokens", promptTokens + tokens);
        if (cachedTokens > 0) {
            u.putObject("input_tokens_details").put("cached_tokens", cachedTokens);
        }
        u.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        return u;
    }

    private ObjectNode chatEnvelope(String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
    }

    private ObjectNode message() {
        return JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
    }

    /** A Responses object; {@code texts} is {reasoning, output} for a finished whole answer. */
    private ObjectNode response(String status, String @Nullable [] texts, @Nullable ObjectNode usage) {
        ObjectNode r = JSON.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", created).put("status", status).put("model", model);
        ArrayNode output = r.putArray("output");
        if (texts != null) {
            if (!texts[0].isEmpty()) {
                ObjectNode rs = output.addObject().put("type", "reasoning").put("id", "rs_" + id);
                rs.putArray("summary");
                rs.putArray("content").addObject().put("type", "reasoning_text").put("text", texts[0]);
            }
            ObjectNode msg = output.addObject().put("type", "message").put("id", "msg_" + id)
                    .put("status", "completed").put("role", "assistant");
            msg.putArray("content").addObject().put("type", "output_text").put("text", texts[1])
                    .putArray("annotations");
        }
        if (usage != null) {
            r.set("usage", usage);
        } else {
            r.putNull("usage");
        }
        return r;
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private void blockStart(ByteBuf out, int index, String type) {
        ObjectNode e = event("content_block_start").put("index", index);
        ObjectNode block = e.putObject("content_block").put("type", type);
        block.put(type, "");
        sse(out, "content_block_start", e);
    }

    /** One server-sent event, with an {@code event:} line where the API names its events. */
    private static void sse(ByteBuf out, @Nullable String name, Object data) {
        if (name != null) {
            out.writeBytes(("event: " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes(data));
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
