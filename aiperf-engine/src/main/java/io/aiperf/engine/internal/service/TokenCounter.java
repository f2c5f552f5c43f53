package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.util.Arrays;

/**
 * Counts the tokens of a response's text exactly as its tokenizer does, reusing the counts of
 * pieces seen before. One per record processor; not thread-safe.
 *
 * <p>Why the pieces add up: tiktoken splits text with a regular expression and encodes each
 * match on its own, so a text's count is the sum of its matches' counts. In every tiktoken
 * pattern (r50k, p50k, cl100k, o200k) a space can only be a match's first character or part of a
 * run of whitespace. So where a space follows a letter, a digit or ASCII punctuation, no match
 * spans the two, the matches on either side are those of each side alone (the patterns look
 * ahead at most into whitespace, never behind), and the count of the whole is the sum of the
 * counts of the sides. LLM output splits there into words with their leading space, a small
 * vocabulary that repeats: after a few responses nearly every piece is a lookup, and the regular
 * expression, most of the cost of a count, runs only on new pieces. Other tokenizers (a
 * tokenizer.json may merge across spaces) count whole texts, as before.
 */
final class TokenCounter {
  /** Pieces remembered; past it the memo starts over (a few MB at most). */
  static final int MAX_PIECES = 16_384;
  /** Longer pieces are counted, not remembered: they rarely repeat. */
  private static final int MAX_PIECE_CHARS = 32;
  /** Slots of the memo: at most half full, so probes stay short. */
  private static final int SLOTS = MAX_PIECES * 2;

  private final Tokenizer tokenizer;
  private final boolean bySpaces;
  // The memo: open addressing over the text as it is, so a piece that is known (nearly all) is
  // found without a substring, a boxed count or an entry object.
  private final String[] pieces = new String[SLOTS];
  private final int[] hashes = new int[SLOTS];
  private final int[] counts = new int[SLOTS];
  private int size;

  TokenCounter(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
    // TiktokenProvider's tokenizers are private nested classes; nothing else splits this way.
    this.bySpaces = tokenizer.getClass().getName()
        .startsWith(TiktokenProvider.class.getName() + "$");
  }

  /**
   * Counts a text's tokens.
   *
   * @param text the text
   * @return what {@link Tokenizer#count} returns for it
   */
  int count(String text) {
    if (!bySpaces || text.length() <= MAX_PIECE_CHARS) {
      return bySpaces ? piece(text, 0, text.length()) : tokenizer.count(text);
    }
    int total = 0;
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) == ' ' && splitsBefore(text.charAt(i - 1))) {
        total += piece(text, start, i);
        start = i;
      }
    }
    return total + piece(text, start, text.length());
  }

  /** Letters, digits and ASCII punctuation: never whitespace under any definition of \s. */
  private static boolean splitsBefore(char c) {
    return Character.isLetterOrDigit(c) || (c > ' ' && c < 0x7f);
  }

  /** Counts {@code text[start, end)}. */
  private int piece(String text, int start, int end) {
    int length = end - start;
    if (length > MAX_PIECE_CHARS) {
      return tokenizer.count(text.substring(start, end));
    }
    int hash = 0;
    for (int i = start; i < end; i++) {
      hash = 31 * hash + text.charAt(i);
    }
    int slot = slot(hash);
    for (String known = pieces[slot]; known != null; known = pieces[slot]) {
      if (hashes[slot] == hash && known.length() == length
          && text.regionMatches(start, known, 0, length)) {
        return counts[slot];
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    String piece = text.substring(start, end);
    int n = tokenizer.count(piece);
    if (size >= MAX_PIECES) {
      Arrays.fill(pieces, null);
      size = 0;
      slot = slot(hash);
    }
    pieces[slot] = piece;
    hashes[slot] = hash;
    counts[slot] = n;
    size++;
    return n;
  }

  private static int slot(int hash) {
    return (hash * 0x9e3779b9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(SLOTS));
  }
}
