package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A planned answer in some API's wire format, produced token by token on the TTFT/ITL schedule:
 * streamed as events, or sent whole once its last token would have been generated.
 */
interface Answer {

    /** Tokens in the answer: streamed events carrying text, and the schedule's length. */
    int tokens();

    /** A fresh word sequence; each caller walks the same words in the same order. */
    Vocabulary.Sequence words();

    /** Upper bound of one streamed token's bytes, for sizing buffers. */
    int maxChunkBytes();

    /** Appends the events a stream opens with, before any token (none by default). */
    default void appendHead(ByteBuf out) {}

    /** Appends the event(s) carrying token {@code i}, whose word is {@code word}. */
    void appendChunk(ByteBuf out, int i, int word);

    /**
     * Appends a role-only event, for a stream that sends it apart from the first token; false
     * when the format has none (then {@link #appendChunkWithoutRole} equals {@link #appendChunk}).
     */
    default boolean appendRole(ByteBuf out) {
        return false;
    }

    /** As {@link #appendChunk}, but the first token's event leaves the role out. */
    default void appendChunkWithoutRole(ByteBuf out, int i, int word) {
        appendChunk(out, i, word);
    }

    /** How many of the first tokens are reasoning rather than output. */
    default int reasoningTokens() {
        return 0;
    }

    /** Prompt tokens the answer reports in its usage. */
    long promptTokens();

    /** Why generation stopped: {@code stop} or {@code length}. */
    String finishReason();

    /** Appends the events a stream closes with (usage, end markers). */
    void appendTrailer(ByteBuf out);

    /** Builds the whole non-streaming body. */
    ByteBuf body(ByteBufAllocator alloc);
}
