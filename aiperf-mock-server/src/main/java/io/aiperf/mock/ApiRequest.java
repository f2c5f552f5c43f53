package io.aiperf.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The fields that shape the answer to a request on one of the non-OpenAI-completion routes
 * (embeddings, rerankers, TGI, Responses, Anthropic Messages). These bodies are small, so a tree
 * parse is cheap enough; the chat and completions routes keep their streaming parser.
 *
 * @param endpoint the route
 * @param model the requested model, echoed back
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a streamed chat answer ends with a usage chunk
 * @param maxTokens the output length asked for; 0 when not set
 * @param items inputs to embed, or passages to rank
 * @param promptWords whitespace-separated words of all prompt text
 * @param promptHash hash of the prompt text, so answers are deterministic per prompt
 * @param minTokens {@code min_tokens}; 0 when absent
 * @param ignoreEos {@code ignore_eos}: run to {@code max_tokens} even with a natural stop
 * @param tool the name of the first function the request offers in {@code tools}, or null
 */
record ApiRequest(
        Endpoint endpoint,
        String model,
        boolean stream,
        boolean includeUsage,
        int maxTokens,
        int items,
        long promptWords,
        long promptHash,
        int minTokens,
        boolean ignoreEos,
        @org.jspecify.annotations.Nullable String tool) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    static ApiRequest parse(Endpoint endpoint, ByteBuf body) throws BadRequestException {
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("Request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("Request body must be a JSON object");
        }
        Text text = new Text();
        String model = root.path("model").asText(InferenceRequest.DEFAULT_MODEL);
        boolean stream = root.path("stream").asBoolean(false);
        int max = 0;
        int items = 0;
        switch (endpoint) {
            case EMBEDDINGS: {
                if (!root.has("input") && root.path("messages").isArray()) {
                    // vLLM's chat-style embeddings: one embedding of the whole conversation.
                    Tools.addMessages(root.get("messages"), text::add);
                    items = 1;
                    stream = false;
                    break;
                }
                JsonNode input = require(root, "input", "a string or a list of strings");
                if (input.isArray()) {
                    input.forEach(text::add);
                    items = input.size();
                } else {
                    text.add(input);
                    items = 1;
                }
                stream = false;
                break;
            }
            case NIM_RANKINGS:
                text.add(require(root, "query", "an object {\"text\"}").path("text"));
                items = passages(root, "passages", text);
                stream = false;
                break;
            case COHERE_RANKINGS:
                text.add(require(root, "query", "a string"));
                items = passages(root, "documents", text);
                stream = false;
                break;
            case TEI_RANKINGS:
                text.add(require(root, "query", "a string"));
                items = passages(root, "texts", text);
                stream = false;
                break;
            case HF_GENERATE:
            case HF_GENERATE_STREAM:
                text.add(require(root, "inputs", "a string"));
                max = root.path("parameters").path("max_new_tokens").asInt(0);
                stream = endpoint == Endpoint.HF_GENERATE_STREAM;
                break;
            case RESPONSES: {
                JsonNode input = require(root, "input", "a string or a list of input items");
                if (input.isArray()) {
                    for (JsonNode item : input) {
                        JsonNode content = item.path("content");
                        if (content.isArray()) {
                            content.forEach(part -> text.add(part.path("text")));
                        } else {
                            text.add(content);
                        }
                    }
                } else {
                    text.add(input);
                }
                max = root.path("max_output_tokens").asInt(0);
                break;
            }
            case MESSAGES: {
                JsonNode messages = require(root, "messages", "a list of {\"role\", \"content\"}");
                for (JsonNode m : messages) {
                    JsonNode content = m.path("content");
                    if (content.isArray()) {
                        content.forEach(part -> text.add(part.path("text")));
                    } else {
                        text.add(content);
                    }
                }
                JsonNode mt = require(root, "max_tokens", "an integer");
                if (!mt.canConvertToInt() || mt.asInt() < 1) {
                    throw new BadRequestException("'max_tokens' must be a positive integer");
                }
                max = mt.asInt();
                break;
            }
            default:
                throw new IllegalArgumentException("not an API route: " + endpoint);
        }
        if (max < 0 || max > InferenceRequest.MAX_OUTPUT_TOKENS) {
            throw new BadRequestException("the output length was " + max
                    + " but it must be between 1 and " + InferenceRequest.MAX_OUTPUT_TOKENS);
        }
        boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
        int min = root.path("min_tokens").canConvertToInt() ? Math.max(0, root.path("min_tokens").asInt()) : 0;
        return new ApiRequest(endpoint, model, stream, includeUsage, max, items, text.words, text.hash,
                min, root.path("ignore_eos").asBoolean(false),
                root.path("tool_choice").asText("").equals("none") ? null : Tools.firstName(root.get("tools")));
    }

    private static JsonNode require(JsonNode root, String name, String what) throws BadRequestException {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            throw new BadRequestException("'" + name + "' is required: " + what);
        }
        return n;
    }

    private static int passages(JsonNode root, String name, Text text) throws BadRequestException {
        JsonNode list = root.path(name);
        if (!list.isArray()) {
            throw new BadRequestException("'" + name + "' is required: a list");
        }
        for (JsonNode p : list) {
            text.add(p.isObject() ? p.path("text") : p);
        }
        return list.size();
    }

    /** Counts words and hashes the prompt text as it is found. */
    private static final class Text {
        long words;
        long hash = FNV_OFFSET;

        void add(JsonNode node) {
            if (!node.isTextual()) {
                return;
            }
            String s = node.asText();
            boolean inWord = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                hash = (hash ^ c) * FNV_PRIME;
                boolean space = Character.isWhitespace(c);
                if (!space && !inWord) {
                    words++;
                }
                inWord = !space;
            }
            hash = (hash ^ 0xFFFF) * FNV_PRIME;
        }
    }
}
