package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The record processor's token counts, reusing the counts of pieces seen before, are the
 * tokenizer's own counts of the whole text, on text made to break the rule they rely on: runs of
 * spaces, tabs and newlines, contractions, digits, punctuation, other scripts, combining marks,
 * emoji, non-breaking and other Unicode spaces, next to every kind of character.
 */
final class TokenCounterPropertiesTest {
  private static final Map<String, Tokenizer> TOKENIZERS = Map.of(
      "o200k_base", new TiktokenProvider().load("o200k_base"),
      "cl100k_base", new TiktokenProvider().load("cl100k_base"),
      "p50k_base", new TiktokenProvider().load("p50k_base"),
      "r50k_base", new TiktokenProvider().load("r50k_base"));
  /** One counter per tokenizer for every try, so later tries hit pieces earlier ones left. */
  private static final Map<String, TokenCounter> COUNTERS = Map.of(
      "o200k_base", new TokenCounter(TOKENIZERS.get("o200k_base")),
      "cl100k_base", new TokenCounter(TOKENIZERS.get("cl100k_base")),
      "p50k_base", new TokenCounter(TOKENIZERS.get("p50k_base")),
      "r50k_base", new TokenCounter(TOKENIZERS.get("r50k_base")));

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> piece = Arbitraries.of(" ", "  ", "   ", "\t", "\n", "\r\n", " \n", "\n ",
        "\u00a0", "\u2009", "\u3000", "\u2028", "\u0085", "'s", "'S", "'ll", "'", " '", "don't",
        "I'M", " the", " The", " THE", "hello", "Hello", "HeLLo", "world", ",", ".", "!", "?",
        "...", "—", "-", "/", "//", "(", ")", "\"", "{", "}", "[", "]", ":", ";", "#", "$", "%",
        "1", "12", "123", "1234", "3.14", " 42", "x2", "é", "e\u0301", "ß", "Ωμέγα", " Привет",
        "日本語", " 中文", "한국어", "😀", " 🚀", "👍🏽", "a", "b", "Z", "_", "__init__",
        " function", "()", " =>", "<|endoftext|>", "\u0000", "\f", "\u000b");
    return piece.list().ofMinSize(1).ofMaxSize(60).map(l -> String.join("", l));
  }

  @Property(tries = 3000)
  void countsOfPieces_addUpToTheWholeTextsCount(@ForAll("text") String text) {
    TOKENIZERS.forEach((name, tokenizer) -> assertThat(COUNTERS.get(name).count(text))
        .as(name + " on " + escape(text)).isEqualTo(tokenizer.count(text)));
  }

  @Property(tries = 300)
  void anyText_countsAsTheTokenizerCountsIt(@ForAll String text) {
    // Text decoded from UTF-8 never holds a lone surrogate; jtokkit refuses one.
    net.jqwik.api.Assume.that(text.codePoints().noneMatch(c -> c >= 0xd800 && c <= 0xdfff));
    TOKENIZERS.forEach((name, tokenizer) -> assertThat(COUNTERS.get(name).count(text))
        .as(name + " on " + escape(text)).isEqualTo(tokenizer.count(text)));
  }

  @Example
  void aLongAnswer_isCountedExactly_andItsPiecesAreRemembered() {
    String answer = String.join("", List.of(" The", " model", " answers", ",", " one", " token",
        " per", " chunk", ".")).repeat(40) + "\n\nDone.  Twice   spaced\ttabs";
    Tokenizer o200k = TOKENIZERS.get("o200k_base");
    TokenCounter counter = new TokenCounter(o200k);
    assertThat(counter.count(answer)).isEqualTo(o200k.count(answer));
    assertThat(counter.count(answer)).isEqualTo(o200k.count(answer));
  }

  @Example
  void moreDistinctPiecesThanTheMemoHolds_areStillCountedExactly() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < TokenCounter.MAX_PIECES * 2 + 100; i++) {
      sb.append(" w").append(i).append(i % 7 == 0 ? "," : "");
    }
    String text = sb.toString();
    Tokenizer o200k = TOKENIZERS.get("o200k_base");
    TokenCounter counter = new TokenCounter(o200k);
    // The memo starts over twice on the way, and the second count finds what the first left.
    assertThat(counter.count(text)).isEqualTo(o200k.count(text));
    assertThat(counter.count(text)).isEqualTo(o200k.count(text));
    assertThat(counter.count(" w1 w2, w3")).isEqualTo(o200k.count(" w1 w2, w3"));
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c)
        : String.format(java.util.Locale.ROOT, "\\u%04x", c)));
    return sb.toString();
  }
}
