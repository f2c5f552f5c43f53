package io.aiperf.mock;

/**
 * How long an answer is and why it ends, by vLLM's rules when the server stops naturally:
 * {@code max_tokens} caps an answer whose own length (where the model would emit its end of
 * sequence) is drawn from the prompt; {@code ignore_eos} runs to the cap, {@code min_tokens}
 * holds the end off. A scripted server (natural stop off) answers exactly {@code max_tokens}.
 *
 * @param tokens the answer's tokens, at least 1
 * @param finishReason {@code length} when the cap ended it, else {@code stop}
 */
record OutputLength(int tokens, String finishReason) {

    /** The shortest and longest natural answers: a chat model's usual reply lengths. */
    static final int NATURAL_MIN = 64;
    static final int NATURAL_MAX = 512;

    /**
     * Plans an answer's length.
     *
     * @param maxTokens the cap asked for, 0 for none
     * @param minTokens {@code min_tokens}, 0 for none
     * @param ignoreEos {@code ignore_eos}
     * @param promptTokens the prompt's estimated tokens (lengths without a cap scale with it)
     * @param key a hash of the prompt and the server's seed: equal prompts get equal lengths
     * @param naturalStop whether the server stops on its own before the cap
     */
    static OutputLength plan(int maxTokens, int minTokens, boolean ignoreEos, long promptTokens,
            long key, boolean naturalStop) {
        if (!naturalStop || ignoreEos) {
            return maxTokens > 0 ? new OutputLength(maxTokens, "length")
                    : new OutputLength(Completion.defaultLength(promptTokens, minTokens, key), "stop");
        }
        long n = Math.max(natural(key), minTokens);
        if (maxTokens > 0 && n >= maxTokens) {
            return new OutputLength(maxTokens, "length");
        }
        return new OutputLength((int) Math.min(n, InferenceRequest.MAX_OUTPUT_TOKENS), "stop");
    }

    /** Where the answer would end on its own, uniform over the natural range. */
    static int natural(long key) {
        double unit = (Vocabulary.mix(key ^ 0x5DEECE66DL) >>> 11) * 0x1.0p-53;
        return NATURAL_MIN + (int) (unit * (NATURAL_MAX - NATURAL_MIN + 1));
    }
}
