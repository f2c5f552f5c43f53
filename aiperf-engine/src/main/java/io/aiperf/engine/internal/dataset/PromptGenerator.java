package io.aiperf.engine.internal.dataset;

import io.aiperf.api.spi.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Makes prompts of an exact token length from real words of the tokenizer's own vocabulary.
 *
 * <p>The word pool is every vocabulary entry that decodes to 3–12 lowercase ASCII letters (with or
 * without the leading space of byte-level BPE) and whose spaced form " word" encodes back to
 * exactly one token, so a prompt of n pool words is n tokens in the usual case. This works the same
 * for tiktoken encodings and for Hugging Face tokenizer.json files (BPE, WordPiece, WordLevel). A
 * repair loop re-encodes and trims or extends until the count is exact; when word costs make the
 * exact length unreachable that way (e.g. every word two tokens), the prompt is cut at the token
 * level and re-encoded, as AIPerf does.
 */
final class PromptGenerator {
  private static final Pattern WORD = Pattern.compile("[a-z]{3,12}");
  private static final int MAX_REPAIR_ROUNDS = 64;

  private static final java.util.Map<String, PromptGenerator> BY_TOKENIZER =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Tokenizer tokenizer;
  private final String[] words;

  /** The generator of a tokenizer, built once per tokenizer name (scanning a vocabulary costs). */
  static PromptGenerator of(Tokenizer tokenizer) {
    return BY_TOKENIZER.computeIfAbsent(tokenizer.name(), n -> new PromptGenerator(tokenizer));
  }

  PromptGenerator(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
    java.util.Set<String> pool = new java.util.TreeSet<>();
    java.util.Set<String> twoTokenWords = new java.util.TreeSet<>();
    int[] single = new int[1];
    for (int id = 0; id < tokenizer.vocabularySize(); id++) {
      single[0] = id;
      String piece;
      try {
        piece = tokenizer.decode(single);
      } catch (RuntimeException unknownId) {
        continue;
      }
      // Byte-level BPE decodes " word"; WordPiece, WordLevel and SentencePiece give "word".
      String word = piece.startsWith(" ") ? piece.substring(1) : piece;
      if (!WORD.matcher(word).matches()) {
        continue;
      }
      int cost = tokenizer.count(" " + word);
      if (cost == 1) {
        pool.add(" " + word);
      } else if (cost == 2) {
        twoTokenWords.add(" " + word);
      }
    }
    if (pool.size() < 100) {
      // Tokenizers that mark word starts differently (e.g. SentencePiece's prefix space) still
      // make usable prompts from slightly dearer words; the repair loop keeps lengths exact.
      pool.addAll(twoTokenWords);
    }
    if (pool.isEmpty()) {
      throw new IllegalStateException("Tokenizer " + tokenizer.name()
          + " has no plain English word tokens to build synthetic prompts from");
    }
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
    String text = repair(parts, tokens, random, true);
    if (text != null) {
      return text;
    }
    return cutToLength(parts, tokens, random, true);
  }

  /**
   * Makes a block of exactly {@code tokens} tokens that keeps its leading space, so blocks
   * concatenate without merging across their boundary: the same block text always encodes to the
   * same tokens wherever it sits in a prompt, which is what a prefix (KV) cache needs to see.
   *
   * @param tokens the length, at least 1
   * @param random the source of randomness
   * @return the block text, starting with a space
   */
  String block(int tokens, SplittableRandom random) {
    List<String> parts = new ArrayList<>(tokens + 8);
    for (int i = 0; i < tokens; i++) {
      parts.add(words[random.nextInt(words.length)]);
    }
    String text = repair(parts, tokens, random, false);
    return text != null ? text : cutToLength(parts, tokens, random, false);
  }

  private @Nullable String repair(List<String> parts, int tokens, SplittableRandom random,
      boolean stripFirst) {
    for (int round = 0; round < MAX_REPAIR_ROUNDS; round++) {
      String text = join(parts, stripFirst);
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
    return null;
  }

  /** Cuts the token sequence near the target and keeps the first cut that re-encodes exactly. */
  private String cutToLength(List<String> parts, int tokens, SplittableRandom random,
      boolean stripFirst) {
    while (tokenizer.count(join(parts, stripFirst)) < tokens + 16) {
      parts.add(words[random.nextInt(words.length)]);
    }
    int[] ids = tokenizer.encode(join(parts, stripFirst));
    for (int delta = 0; delta <= 16; delta++) {
      for (int n : new int[] {tokens - delta, tokens + delta}) {
        if (n < 1 || n > ids.length) {
          continue;
        }
        String text = tokenizer.decode(java.util.Arrays.copyOf(ids, n));
        if (tokenizer.count(text) == tokens && (stripFirst || text.startsWith(" "))) {
          return text;
        }
      }
    }
    throw new IllegalStateException("Could not build a prompt of exactly " + tokens
        + " tokens with tokenizer " + tokenizer.name());
  }

  private static String join(List<String> parts, boolean stripFirst) {
    StringBuilder sb = new StringBuilder(parts.size() * 8);
    for (String p : parts) {
      sb.append(p);
    }
    return stripFirst ? sb.substring(1) : sb.toString();
  }
}
