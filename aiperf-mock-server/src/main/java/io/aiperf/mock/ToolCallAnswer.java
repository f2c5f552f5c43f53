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
 * An answer that calls a tool, as a model does when a request offers tools: the first function
 * offered is called with {@code {"input": "<words>"}} as its arguments, one word per token on the
 * TTFT/ITL schedule, in the wire shape of chat ({@code delta.tool_calls}, finish reason
 * {@code tool_calls}), the Responses API ({@code response.function_call_arguments.delta},
 * {@code function_call} items) or Anthropic Messages ({@code tool_use} blocks,
 * {@code input_json_delta}, stop reason {@code tool_use}). Usage counts every token.
 */
final class ToolCallAnswer implements Answer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint endpoint;
    private final String id;
    private final String model;
    private final long created;
    private final String tool;
    private final int tokens;
    private final long promptTokens;
    private final boolean includeUsage;
    private final long wordSeed;
    private final StringBuilder arguments = new StringBuilder();

    /** Plans a tool call whose arguments run as long as a text answer to the request would. */
    static ToolCallAnswer plan(Endpoint endpoint, String id, String model, long created, String tool,
            int maxTokens, int minTokens, boolean ignoreEos, long promptTokens, long promptHash, long seed,
            boolean naturalStop, boolean includeUsage) {
        OutputLength length = OutputLength.plan(maxTokens, minTokens, ignoreEos, Math.max(1, promptTokens),
                seed ^ promptHash, naturalStop);
        return new ToolCallAnswer(endpoint, id, model, created, tool, length.tokens(),
                promptTokens, includeUsage, Vocabulary.mix(promptHash + seed * 0x9E3779B97F4A7C15L));
    }

    ToolCallAnswer(Endpoint endpoint, String id, String model, long created, String tool, int tokens,
            long promptTokens, boolean includeUsage, long wordSeed) {
        this.endpoint = endpoint;
        this.id = id;
        this.model = model;
        this.created = created;
        this.tool = tool;
        this.tokens = Math.max(1, tokens);
        this.promptTokens = promptTokens;
        this.includeUsage = includeUsage;
        this.wordSeed = wordSeed;
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
        return 512 + model.length() + id.length() + tool.length();
    }

    @Override
    public long promptTokens() {
        return promptTokens;
    }

    @Override
    public String finishReason() {
        return "tool_calls";
    }

    /** The arguments' text that token {@code i} adds: JSON, built up one word at a time. */
    private String piece(int i, String word) {
        String escaped = new String(
                com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(word),
                StandardCharsets.UTF_8);
        String head = i == 0 ? "{\"input\":\"" : "";
        String tail = i == tokens - 1 ? "\"}" : "";
        return head + escaped + tail;
    }

    @Override
    public void appendHead(ByteBuf out) {
        switch (endpoint) {
            case RESPONSES: {
                ObjectNode e = event("response.created");
                e.set("response", response("in_progress", null, null));
                sse(out, "response.created", e);
                ObjectNode added = event("response.output_item.added").put("output_index", 0);
                added.set("item", call("in_progress", ""));
                sse(out, "response.output_item.added", added);
                break;
            }
            case MESSAGES: {
                ObjectNode e = event("message_start");
                ObjectNode message = message();
                message.putArray("content");
                message.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", 1);
                e.set("message", message);
                sse(out, "message_start", e);
                ObjectNode start = event("content_block_start").put("index", 0);
                start.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + id)
                        .put("name", tool).putObject("input");
                sse(out, "content_block_start", start);
                break;
            }
            default:
                break;
        }
    }

    @Override
    public void appendChunk(ByteBuf out, int i, int word) {
        String p = piece(i, Vocabulary.WORDS.get(word));
        arguments.append(p);
        switch (endpoint) {
            case CHAT: {
                ObjectNode e = chatEnvelope("chat.completion.chunk");
                ObjectNode choice = e.putArray("choices").addObject().put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                ObjectNode call = delta.putArray("tool_calls").addObject().put("index", 0);
                ObjectNode function;
                if (i == 0) {
                    delta.put("role", "assistant");
                    call.put("id", "call_" + id).put("type", "function");
                    function = call.putObject("function").put("name", tool);
                } else {
                    function = call.putObject("function");
                }
                function.put("arguments", p);
                choice.put("finish_reason", i == tokens - 1 ? "tool_calls" : null);
                sse(out, null, e);
                break;
            }
            case RESPONSES:
                sse(out, "response.function_call_arguments.delta",
                        event("response.function_call_arguments.delta").put("item_id", "fc_" + id)
                                .put("output_index", 0).put("delta", p));
                break;
            case MESSAGES: {
                ObjectNode e = event("content_block_delta").put("index", 0);
                e.putObject("delta").put("type", "input_json_delta").put("partial_json", p);
                sse(out, "content_block_delta", e);
                break;
            }
            default:
                throw new IllegalStateException(endpoint + " has no tool calls");
        }
    }

    @Override
    public void appendTrailer(ByteBuf out) {
        switch (endpoint) {
            case CHAT:
                if (includeUsage) {
                    ObjectNode e = chatEnvelope("chat.completion.chunk");
                    e.putArray("choices");
                    e.set("usage", usage("prompt_tokens", "completion_tokens"));
                    sse(out, null, e);
                }
                out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                break;
            case RESPONSES: {
                sse(out, "response.function_call_arguments.done",
                        event("response.function_call_arguments.done").put("item_id", "fc_" + id)
                                .put("output_index", 0).put("arguments", arguments.toString()));
                ObjectNode e = event("response.completed");
                e.set("response", response("completed", arguments.toString(),
                        usage("input_tokens", "output_tokens")));
                sse(out, "response.completed", e);
                break;
            }
            case MESSAGES: {
                sse(out, "content_block_stop", event("content_block_stop").put("index", 0));
                ObjectNode e = event("message_delta");
                e.putObject("delta").put("stop_reason", "tool_use").putNull("stop_sequence");
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
        Vocabulary.Sequence seq = words();
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            args.append(piece(i, Vocabulary.WORDS.get(seq.next())));
        }
        ObjectNode body;
        switch (endpoint) {
            case CHAT: {
                body = chatEnvelope("chat.completion");
                ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
                ObjectNode message = choice.putObject("message").put("role", "assistant");
                message.putNull("content");
                message.putArray("tool_calls").addObject().put("id", "call_" + id)
                        .put("type", "function").putObject("function").put("name", tool)
                        .put("arguments", args.toString());
                choice.put("finish_reason", "tool_calls");
                body.set("usage", usage("prompt_tokens", "completion_tokens"));
                break;
            }
            case RESPONSES:
                body = response("completed", args.toString(), usage("input_tokens", "output_tokens"));
                break;
            case MESSAGES: {
                body = message();
                ObjectNode use = body.putArray("content").addObject().put("type", "tool_use")
                        .put("id", "toolu_" + id).put("name", tool);
                try {
                    use.set("input", JSON.readTree(args.toString()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                body.put("stop_reason", "tool_use").putNull("stop_sequence");
                body.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", tokens);
                break;
            }
            default:
                throw new IllegalStateException(endpoint + " has no tool calls");
        }
        return alloc.buffer().writeBytes(bytes(body));
    }

    private ObjectNode usage(String prompt, String completion) {
        return JSON.createObjectNode().put(prompt, promptTokens).put(completion, tokens)
                .put("total_tokens", promptTokens + tokens);
    }

    private ObjectNode call(String status, String args) {
        return JSON.createObjectNode().put("type", "function_call").put("id", "fc_" + id)
                .put("call_id", "call_" + id).put("name", tool).put("arguments", args)
                .put("status", status);
    }

    private ObjectNode response(String status, @Nullable String args, @Nullable ObjectNode usage) {
        ObjectNode r = JSON.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", created).put("status", status).put("model", model);
        ArrayNode output = r.putArray("output");
        if (args != null) {
            output.add(call("completed", args));
        }
        if (usage != null) {
            r.set("usage", usage);
        } else {
            r.putNull("usage");
        }
        return r;
    }

    private ObjectNode chatEnvelope(String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
    }

    private ObjectNode message() {
        return JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

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
