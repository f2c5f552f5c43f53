package io.aiperf.mock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;

/**
 * The fields of a chat or completions request that shape the mock answer.
 *
 * <p>The prompt itself is not kept: only its length in characters (for the chars/4 token
 * estimate) and a hash (to make the answer deterministic per prompt), so a 64 MiB prompt costs no
 * more memory than the request body Netty already holds.
 *
 * @param endpoint which route the request came in on
 * @param model the requested model, echoed back
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether {@code stream_options.include_usage} asked for a final usage chunk
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}; 0 when neither is set
 * @param minTokens {@code min_tokens}; 0 when absent
 * @param ignoreEos {@code ignore_eos}: with a natural stop, run to {@code max_tokens}
 * @param promptChars characters of prompt text
 * @param promptWords whitespace-separated words of prompt text
 * @param promptHash hash of the prompt text
 * @param tool the first function {@code tools} offers (unless {@code tool_choice} is
 *     {@code "none"}), which the answer calls; null for a text answer
 */
record InferenceRequest(
        Endpoint endpoint,
        String model,
        boolean stream,
        boolean includeUsage,
        int maxTokens,
        int minTokens,
        boolean ignoreEos,
        long promptChars,
        long promptWords,
        long promptHash,
        @org.jspecify.annotations.Nullable String tool) {

    /** Caps memory per non-streaming answer (about 7 MiB of words) and keeps schedules in range. */
    static final int MAX_OUTPUT_TOKENS = 1 << 20;

    static final String DEFAULT_MODEL = "mock-model";

    // Jackson's default 20M-char string limit is below what the 64 MiB aggregator lets through.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private static final com.fasterxml.jackson.databind.ObjectMapper TREES =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * Prompt tokens, estimated as words: a word is about one token for the English a benchmark
     * sends (and exactly one for aiperf's synthetic prompts), so usage agrees with the client's
     * tokenizer; chars/4 only for token-id prompts without words.
     */
    long promptTokens() {
        return promptWords > 0 ? promptWords : (promptChars + 3) / 4;
    }

    /**
     * Parses a request body.
     *
     * @throws BadRequestException if the body is not JSON or a known field has the wrong type
     */
    static InferenceRequest parse(Endpoint endpoint, ByteBuf body) throws BadRequestException {
        try (JsonParser p = open(body)) {
            return new Reader(endpoint, p).read();
        } catch (JsonProcessingException e) {
            throw new BadRequestException("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("Request body could not be read: " + e.getMessage());
        }
    }

    private static JsonParser open(ByteBuf body) throws IOException {
        if (body.hasArray()) {
            return JSON.createParser(
                    body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        return JSON.createParser((java.io.InputStream) new ByteBufInputStream(body.duplicate()));
    }

    /** Streaming pass over the body; avoids building a tree for what may be a huge prompt. */
    private static final class Reader {
        private final Endpoint endpoint;
        private final JsonParser p;
        private String model = DEFAULT_MODEL;
        private boolean stream;
        private boolean includeUsage;
        private int maxCompletionTokens;
        private int maxTokens;
        private int minTokens;
        private boolean ignoreEos;
        private @org.jspecify.annotations.Nullable String tool;
        private boolean noTools;
        private boolean sawPrompt;
        private long chars;
        private long words;
        private long hash = FNV_OFFSET;

        Reader(Endpoint endpoint, JsonParser p) {
            this.endpoint = endpoint;
            this.p = p;
        }

        InferenceRequest read() throws IOException, BadRequestException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("Request body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "model":
                        if (t == JsonToken.VALUE_STRING) {
                            model = p.getText();
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw typeError(name, "a string");
                        }
                        break;
                    case "stream":
                        stream = bool(name, t);
                        break;
                    case "ignore_eos":
                        ignoreEos = bool(name, t);
                        break;
                    case "stream_options":
                        readStreamOptions(t);
                        break;
                    case "max_completion_tokens":
                        maxCompletionTokens = positiveInt(name, t);
                        break;
                    case "max_tokens":
                        maxTokens = positiveInt(name, t);
                        break;
                    case "min_tokens":
                        minTokens = nonNegativeInt(name, t);
                        break;
                    case "tools":
                        // Small next to the prompt: read as a tree.
                        tool = Tools.firstName(TREES.readTree(p));
                        break;
                    case "tool_choice":
                        noTools = t == JsonToken.VALUE_STRING && p.getText().equals("none");
                        p.skipChildren();
                        break;
                    case "messages":
                        if (endpoint == Endpoint.CHAT) {
                            readMessages(t);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    case "prompt":
                        if (endpoint == Endpoint.COMPLETIONS) {
                            readPrompt(t);
                        } else {
                            p.skipChildren();
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (!sawPrompt) {
                throw new BadRequestException(endpoint == Endpoint.CHAT
                        ? "'messages' is required: a list of {\"role\", \"content\"} objects"
                        : "'prompt' is required: a string or a list of strings");
            }
            int max = maxCompletionTokens > 0 ? maxCompletionTokens : maxTokens;
            return new InferenceRequest(
                    endpoint, model, stream, includeUsage, max, minTokens, ignoreEos, chars, words, hash,
                    noTools ? null : tool);
        }

        private void readStreamOptions(JsonToken t) throws IOException, BadRequestException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                throw typeError("stream_options", "an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("include_usage")) {
                    includeUsage = bool("stream_options.include_usage", v);
                } else {
                    p.skipChildren();
                }
            }
        }

        private void readMessages(JsonToken t) throws IOException, BadRequestException {
            if (t != JsonToken.START_ARRAY) {
                throw typeError("messages", "a list of message objects");
            }
            sawPrompt = true;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    throw typeError("messages[]", "an object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (name.equals("content")) {
                        readContent(v);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }

        private void readContent(JsonToken t) throws IOException, BadRequestException {
            if (t == JsonToken.VALUE_STRING) {
                addText();
            } else if (t == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    readContentPart();
                }
            } else if (t != JsonToken.VALUE_NULL) {
                throw typeError("messages[].content", "a string or a list of content parts");
            }
        }

        private void readContentPart() throws IOException, BadRequestException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw typeError("messages[].content[]", "an object");
            }
            // "type" may come after "text", so the text is held until the part is complete.
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (name.equals("text") && v == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (text != null && (type == null || type.equals("text"))) {
                addText(text);
            }
        }

        private void readPrompt(JsonToken t) throws IOException, BadRequestException {
            if (t == JsonToken.VALUE_STRING) {
                sawPrompt = true;
                addText();
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                throw typeError("prompt", "a string or a list of strings");
            }
            sawPrompt = true;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonToken v = p.currentToken();
                if (v == JsonToken.VALUE_STRING) {
                    addText();
                } else if (v == JsonToken.VALUE_NUMBER_INT) {
                    // A token-id prompt: count each id as one token's worth of characters.
                    chars += 4;
                    hash = (hash ^ p.getLongValue()) * FNV_PRIME;
                } else {
                    throw typeError("prompt[]", "a string");
                }
            }
        }

        /** Adds the current string token without materialising it as a String. */
        private void addText() throws IOException {
            char[] buf = p.getTextCharacters();
            int off = p.getTextOffset();
            int len = p.getTextLength();
            long h = hash;
            boolean inWord = false;
            for (int i = off, end = off + len; i < end; i++) {
                h = (h ^ buf[i]) * FNV_PRIME;
                boolean space = Character.isWhitespace(buf[i]);
                if (!space && !inWord) {
                    words++;
                }
                inWord = !space;
            }
            // A separator so ["ab", "c"] and ["a", "bc"] hash differently.
            hash = (h ^ 0xFFFF) * FNV_PRIME;
            chars += len;
        }

        private void addText(String text) {
            long h = hash;
            boolean inWord = false;
            for (int i = 0, n = text.length(); i < n; i++) {
                h = (h ^ text.charAt(i)) * FNV_PRIME;
                boolean space = Character.isWhitespace(text.charAt(i));
                if (!space && !inWord) {
                    words++;
                }
                inWord = !space;
            }
            hash = (h ^ 0xFFFF) * FNV_PRIME;
            chars += text.length();
        }

        private boolean bool(String name, JsonToken t) throws BadRequestException {
            if (t == JsonToken.VALUE_TRUE) {
                return true;
            }
            if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
                return false;
            }
            throw typeError(name, "true or false");
        }

        private int positiveInt(String name, JsonToken t) throws IOException, BadRequestException {
            if (t == JsonToken.VALUE_NULL) {
                return 0;
            }
            long v = integer(name, t);
            if (v < 1 || v > MAX_OUTPUT_TOKENS) {
                throw new BadRequestException("'" + name + "' was " + v
                        + " but it must be between 1 and " + MAX_OUTPUT_TOKENS);
            }
            return (int) v;
        }

        private int nonNegativeInt(String name, JsonToken t) throws IOException, BadRequestException {
            if (t == JsonToken.VALUE_NULL) {
                return 0;
            }
            long v = integer(name, t);
            if (v < 0 || v > MAX_OUTPUT_TOKENS) {
                throw new BadRequestException("'" + name + "' was " + v
                        + " but it must be between 0 and " + MAX_OUTPUT_TOKENS);
            }
            return (int) v;
        }

        private long integer(String name, JsonToken t) throws IOException, BadRequestException {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw typeError(name, "an integer");
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return Long.MAX_VALUE;
            }
            return p.getLongValue();
        }

        private static BadRequestException typeError(String name, String expected) {
            return new BadRequestException("'" + name + "' must be " + expected);
        }
    }
}
