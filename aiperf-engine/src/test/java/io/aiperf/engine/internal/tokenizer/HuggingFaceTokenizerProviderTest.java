package io.aiperf.engine.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HuggingFaceTokenizerProviderTest {
  private final HuggingFaceTokenizerProvider provider = new HuggingFaceTokenizerProvider();

  @Test
  void wordLevelFile_encodesWordsAndUnknowns(@TempDir Path dir) {
    Path file = TinyTokenizers.wordLevel(dir);
    Tokenizer t = provider.load(file.toString());
    assertThat(t.encode("barton corville zzz")).containsExactly(1, 14, 0);
    assertThat(t.count("barton corville")).isEqualTo(2);
    assertThat(t.decode(new int[] {1, 14})).isEqualTo("barton corville");
    assertThat(t.vocabularySize()).isEqualTo(121);
    assertThat(t.name()).isEqualTo(file.toString());
  }

  @Test
  void bpeFile_mergesKnownWords_splitsTheRestIntoLetters(@TempDir Path dir) {
    Tokenizer t = provider.load(TinyTokenizers.bpe(dir).toString());
    assertThat(t.count("barton")).isEqualTo(1);
    assertThat(t.count("bartox")).as("the merges reach 'barto', then 'x'").isEqualTo(2);
    assertThat(t.count("zzq")).isEqualTo(3);
  }

  @Test
  void directory_holdingTokenizerJson_isAccepted(@TempDir Path dir) {
    TinyTokenizers.wordLevel(dir);
    assertThat(provider.supports(dir.toString())).isTrue();
    assertThat(provider.load(dir.toString()).count("barton")).isEqualTo(1);
  }

  @Test
  void longText_isNotTruncated(@TempDir Path dir) {
    Tokenizer t = provider.load(TinyTokenizers.wordLevel(dir).toString());
    assertThat(t.count("barton ".repeat(3000))).isEqualTo(3000);
  }

  @Test
  void missingFile_isNotSupported_andLoadNamesIt(@TempDir Path dir) {
    String missing = dir.resolve("nope/tokenizer.json").toString();
    assertThat(provider.supports(missing)).isFalse();
    assertThat(provider.supports("o200k_base")).isFalse();
    assertThatThrownBy(() -> provider.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokenizer was '" + missing + "' but " + missing + " does not exist");
  }

  @Test
  void serviceLoader_findsTheProvider() {
    assertThat(Plugins.all(TokenizerProvider.class)).extracting(TokenizerProvider::name)
        .contains("tiktoken", "huggingface");
  }
}
