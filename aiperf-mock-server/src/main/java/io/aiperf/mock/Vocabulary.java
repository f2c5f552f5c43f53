package io.aiperf.mock;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The words the mock server emits, one word per output token.
 *
 * <p>Every entry is a lowercase ASCII word with a leading space that is exactly one token in both
 * OpenAI's {@code o200k_base} and {@code cl100k_base} encodings. Both encodings' pre-tokenizers
 * split text before a space followed by letters, so no merge can span two entries: a
 * concatenation of N entries re-tokenizes to exactly N tokens, which lets a benchmark client that
 * counts tokens locally agree with the server's {@code completion_tokens}. Letters only also means
 * the bytes can be dropped into JSON strings without escaping.
 */
final class Vocabulary {

    /** Exactly 64 words, so a word index is 6 random bits. */
    static final List<String> WORDS = List.of(
            " the", " of", " and", " to", " in", " is", " that", " for",
            " it", " as", " was", " with", " be", " by", " on", " not",
            " he", " this", " are", " or", " his", " from", " at", " which",
            " but", " have", " an", " had", " they", " you", " were", " their",
            " one", " all", " we", " can", " her", " has", " there", " been",
            " if", " more", " when", " will", " would", " who", " so", " no",
            " time", " people", " year", " way", " day", " man", " world", " life",
            " work", " part", " place", " case", " good", " new", " first", " great");

    private static final byte[][] BYTES = WORDS.stream()
            .map(w -> w.getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);

    private Vocabulary() {}

    /** The pre-encoded bytes of word {@code index}; callers must not modify the array. */
    static byte[] bytes(int index) {
        return BYTES[index];
    }

    /**
     * A deterministic stream of word indexes (SplitMix64), cheaper than {@link java.util.Random}
     * because one 64-bit draw yields ten words and nothing is shared between threads.
     */
    static final class Sequence {
        private long state;
        private long bits;
        private int bitsLeft;

        Sequence(long seed) {
            this.state = seed;
        }

        int next() {
            if (bitsLeft < 6) {
                bits = mix(state += 0x9E3779B97F4A7C15L);
                bitsLeft = 64;
            }
            int index = (int) (bits & 63);
            bits >>>= 6;
            bitsLeft -= 6;
            return index;
        }
    }

    /** SplitMix64 finaliser: a cheap, well-distributed 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
