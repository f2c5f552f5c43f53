package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.util.HashMap;
import java.util.Map;

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

  private final Tokenizer tokenizer;
  private final boolean bySpaces;
  private final Map<String, Integer> pieces = new HashMap<>();

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
      return bySpaces ? piece(text) : tokenizer.count(text);
    }
    int total = 0;
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) == ' ' && splitsBefore(text.charAt(i - 1))) {
        total += piece(text.substring(start, i));
        start = i;
      }
    }
    return total + piece(text.substring(start));
  }

  /** Letters, digits and ASCII punctuation: never whitespace under any definition of \s. */
  private static boolean splitsBefore(char c) {
    return Character.isLetterOrDigit(c) || (c > ' ' && c < 0x7f);
  }

  private int piece(String piece) {
    if (piece.length() > MAX_PIECE_CHARS) {
      return tokenizer.count(piece);
    }
    Integer known = pieces.get(piece);
    if (known != null) {
      return known;
    }
    int n = tokenizer.count(piece);
    if (pieces.size() >= MAX_PIECES) {
      pieces.clear();
    }
    pieces.put(piece, n);
    return n;
  }
}
