package io.aiperf.engine.internal.dataset;

import io.aiperf.api.spi.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Makes prompts of an exact token length from real words of the tokenizer's own vocabulary.
 *
 * <p>The word pool is every vocabulary entry of the form " word" (a space and 3–12 lowercase ASCII
 * letters) that encodes back to exactly one token, so a prompt of n pool words is n tokens in the
 * usual case. A repair loop re-encodes and trims or extends until the count is exact, so the ISL a
 * user asks for is the ISL sent, whatever the tokenizer's merges do at word boundaries.
 */
final class PromptGenerator {
  private static final Pattern WORD = Pattern.compile(" [a-z]{3,12}");
  private static final int MAX_REPAIR_ROUNDS = 64;

  private final Tokenizer tokenizer;
  private final String[] words;

  PromptGenerator(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
    List<String> pool = new ArrayList<>();
    int[] single = new int[1];
    for (int id = 0; id < tokenizer.vocabularySize(); id++) {
      single[0] = id;
      String piece;
      try {
        piece = tokenizer.decode(single);
      } catch (RuntimeException unknownId) {
        continue;
      }
      if (WORD.matcher(piece).matches() && tokenizer.count(piece) == 1) {
        pool.add(piece);
      }
    }
    if (pool.size() < 100) {
      throw new IllegalStateException("Tokenizer " + tokenizer.name()
          + " has too few plain English word tokens (" + pool.size()
          + ") to build synthetic prompts");
    }
    pool.sort(null);
    this.words = pool.toArray(String[]::new);
  }

  int poolSize() {
    return words.length;
  }

  /**
   * Makes a prompt of exactly {@code tokens} tokens.
   *
   * @param tokens the length, at least 1
   * @param random the source of randomness (the caller's seeded generator)
   * @return the prompt text
   */
  String generate(int tokens, SplittableRandom random) {
    List<String> parts = new ArrayList<>(tokens + 8);
    for (int i = 0; i < tokens; i++) {
      parts.add(words[random.nextInt(words.length)]);
    }
    // The first word loses its leading space so the prompt reads naturally; repair makes up for
    // any token that costs.
    for (int round = 0; round < MAX_REPAIR_ROUNDS; round++) {
      String text = join(parts);
      int count = tokenizer.count(text);
      if (count == tokens) {
        return text;
      }
      if (count > tokens) {
        for (int i = 0; i < count - tokens && parts.size() > 1; i++) {
          parts.remove(parts.size() - 1);
        }
      } else {
        for (int i = 0; i < tokens - count; i++) {
          parts.add(words[random.nextInt(words.length)]);
        }
      }
    }
    throw new IllegalStateException("Could not build a prompt of exactly " + tokens
        + " tokens with tokenizer " + tokenizer.name());
  }

  private static String join(List<String> parts) {
    StringBuilder sb = new StringBuilder(parts.size() * 8);
    for (String p : parts) {
      sb.append(p);
    }
    return sb.substring(1);
  }
}
