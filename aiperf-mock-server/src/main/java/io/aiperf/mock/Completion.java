package io.aiperf.mock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * One planned answer: its length, its words and the bytes that carry them.
 *
 * <p>Output JSON is assembled from byte arrays rather than through Jackson because fast mode is
 * used to measure the client's ceiling, so the server has to stay cheap: per request one prefix
 * array is built, and per token three arrays are copied (prefix, pre-encoded word, suffix).
 */
final class Completion implements Answer {

    private static final byte[] DATA_ID = ascii("data: {\"id\":\"");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    private static final byte[] CHAT_ROLE = ascii("\"delta\":{\"role\":\"assistant\",\"content\":\"");
    private static final byte[] CHAT_DELTA = ascii("\"delta\":{\"content\":\"");
    private static final byte[] TEXT = ascii("\"text\":\"");
    private static final byte[] CHAT_SUFFIX = ascii("\"},\"finish_reason\":null}]}\n\n");
    private static final byte[] TEXT_SUFFIX = ascii("\",\"finish_reason\":null}]}\n\n");
    private static final byte[] CHAT_SUFFIX_STOP = ascii("\"},\"finish_reason\":\"stop\"}]}\n\n");
    private static final byte[] CHAT_SUFFIX_LENGTH = ascii("\"},\"finish_reason\":\"length\"}]}\n\n");
    private static final byte[] TEXT_SUFFIX_STOP = ascii("\",\"finish_reason\":\"stop\"}]}\n\n");
    private static final byte[] TEXT_SUFFIX_LENGTH = ascii("\",\"finish_reason\":\"length\"}]}\n\n");
    private static final byte[] SSE_END = ascii("\n\n");
    private static final byte[] CHOICE_HEAD = ascii(",\"choices\":[{\"index\":0,");
    private static final byte[] USAGE_EVENT_HEAD = ascii("data: {");
    private static final byte[] NO_CHOICES = ascii(",\"choices\":[],");
    private static final byte[] CHAT_MESSAGE_HEAD =
            ascii(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
    private static final byte[] CHAT_MESSAGE_END = ascii("\"},");
    private static final byte[] TEXT_END = ascii("\",");

    final Endpoint endpoint;
    final int tokens;
    final long promptTokens;
    final boolean includeUsage;
    /** Prompt tokens the usage reports as cached; set on the router's thread before the answer is sent. */
    private long cachedTokens;
    private final String finishReason;
    private final long wordSeed;
    /** {@code "id":"…","object":"…","created":…,"model":"…"} without braces. */
    private final byte[] envelope;
    private final byte[] chunkPrefix;
    private final byte[] firstChunkPrefix;
    private final byte[] chunkSuffix;
    private final byte[] lastChunkSuffix;

    private Completion(InferenceRequest req, String id, long created, long seed, boolean naturalStop) {
        this.endpoint = req.endpoint();
        this.promptTokens = req.promptTokens();
        this.includeUsage = req.includeUsage();
        // Exact max_tokens for a scripted server; a cap with a natural stop before it otherwise.
        OutputLength length = OutputLength.plan(req.maxTokens(), req.minTokens(), req.ignoreEos(),
                promptTokens, seed ^ req.promptHash(), naturalStop);
        this.tokens = length.tokens();
        this.finishReason = length.finishReason();
        this.wordSeed = Vocabulary.mix(req.promptHash() + seed * 0x9E3779B97F4A7C15L);

        String model = new String(
                JsonStringEncoder.getInstance().quoteAsUTF8(req.model()), StandardCharsets.UTF_8);
        String objectField = req.stream() ? endpoint.chunkObject : endpoint.object;
        String envelopeTail = id + "\",\"object\":\"" + objectField + "\",\"created\":" + created
                + ",\"model\":\"" + model + "\"";
        this.envelope = utf8("\"id\":\"" + envelopeTail);

        boolean chat = endpoint == Endpoint.CHAT;
        byte[] head = concat(DATA_ID, utf8(envelopeTail), CHOICE_HEAD);
        this.chunkPrefix = concat(head, chat ? CHAT_DELTA : TEXT);
        this.firstChunkPrefix = chat ? concat(head, CHAT_ROLE) : chunkPrefix;
        this.chunkSuffix = chat ? CHAT_SUFFIX : TEXT_SUFFIX;
        boolean stop = finishReason.equals("stop");
        this.lastChunkSuffix = chat
                ? (stop ? CHAT_SUFFIX_STOP : CHAT_SUFFIX_LENGTH)
                : (stop ? TEXT_SUFFIX_STOP : TEXT_SUFFIX_LENGTH);
    }

    /** Plans the answer to {@code req}; {@code seed} is the server's seed. */
    static Completion plan(InferenceRequest req, String id, long createdEpochSeconds, long seed) {
        return new Completion(req, id, createdEpochSeconds, seed, false);
    }

    /** Plans the answer; with {@code naturalStop} {@code max_tokens} is a cap (see {@link OutputLength}). */
    static Completion plan(InferenceRequest req, String id, long createdEpochSeconds, long seed,
            boolean naturalStop) {
        return new Completion(req, id, createdEpochSeconds, seed, naturalStop);
    }

    /**
     * 0.8 to 1.2 times the prompt estimate, at least 16 and at least {@code min_tokens}, drawn
     * from the prompt hash so the same prompt always gets the same length.
     */
    static int defaultLength(long promptTokens, int minTokens, long key) {
        double unit = (Vocabulary.mix(key) >>> 11) * 0x1.0p-53;
        long n = Math.round(promptTokens * (0.8 + 0.4 * unit));
        n = Math.max(n, 16);
        n = Math.max(n, minTokens);
        return (int) Math.min(n, InferenceRequest.MAX_OUTPUT_TOKENS);
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
        return Math.max(firstChunkPrefix.length, chunkPrefix.length) + 16
                + Math.max(chunkSuffix.length, lastChunkSuffix.length);
    }

    @Override
    public void appendChunk(ByteBuf out, int i, int word) {
        appendChunk(out, i == 0 ? firstChunkPrefix : chunkPrefix, i, word);
    }

    @Override
    public void appendChunkWithoutRole(ByteBuf out, int i, int word) {
        appendChunk(out, chunkPrefix, i, word);
    }

    private void appendChunk(ByteBuf out, byte[] prefix, int i, int word) {
        out.writeBytes(prefix);
        out.writeBytes(Vocabulary.bytes(word));
        out.writeBytes(i == tokens - 1 ? lastChunkSuffix : chunkSuffix);
    }

    @Override
    public long promptTokens() {
        return promptTokens;
    }

    @Override
    public String finishReason() {
        return finishReason;
    }

    /** Chat only: the role with empty content, as OpenAI's first chunk. */
    @Override
    public boolean appendRole(ByteBuf out) {
        if (endpoint != Endpoint.CHAT) {
            return false;
        }
        out.writeBytes(firstChunkPrefix);
        out.writeBytes(CHAT_SUFFIX);
        return true;
    }

    /** Appends the optional usage event and the {@code [DONE]} sentinel. */
    @Override
    public void appendTrailer(ByteBuf out) {
        if (includeUsage) {
            out.writeBytes(USAGE_EVENT_HEAD);
            out.writeBytes(envelope);
            out.writeBytes(NO_CHOICES);
            appendUsage(out);
            out.writeByte('}');
            out.writeBytes(SSE_END);
        }
        out.writeBytes(DONE);
    }

    @Override
    public ByteBuf body(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(envelope.length + 200 + tokens * 8);
        out.writeByte('{');
        out.writeBytes(envelope);
        boolean chat = endpoint == Endpoint.CHAT;
        out.writeBytes(chat ? CHAT_MESSAGE_HEAD : CHOICE_HEAD);
        if (!chat) {
            out.writeBytes(TEXT);
        }
        Vocabulary.Sequence seq = words();
        for (int i = 0; i < tokens; i++) {
            out.writeBytes(Vocabulary.bytes(seq.next()));
        }
        out.writeBytes(chat ? CHAT_MESSAGE_END : TEXT_END);
        out.writeBytes(ascii("\"finish_reason\":\"" + finishReason + "\"}],"));
        appendUsage(out);
        out.writeByte('}');
        return out;
    }

    private void appendUsage(ByteBuf out) {
        out.writeBytes(ascii("\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + tokens
                + ",\"total_tokens\":" + (promptTokens + tokens)
                + (cachedTokens > 0 ? ",\"prompt_tokens_details\":{\"cached_tokens\":" + cachedTokens
                        + "}" : "")
                + "}"));
    }

    /** Reports up to {@code tokens} of the prompt as read from the prefix cache (set before sending). */
    void cachePrompt(long tokens) {
        cachedTokens = Math.min(tokens, promptTokens);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
