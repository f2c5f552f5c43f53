package io.aiperf.engine.internal.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Datasets;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

final class SyntheticDatasetProviderTest {
  private final SyntheticDatasetProvider provider = new SyntheticDatasetProvider();

  @ParameterizedTest
  @ValueSource(strings = {"o200k_base", "cl100k_base"})
  void prompts_haveExactlyTheRequestedTokenCount(String encoding) {
    Tokenizer tokenizer = new TiktokenProvider().load(encoding);
    List<Conversation> conversations = provider.load(
        Datasets.synthetic().inputTokens(300, 80).tokenizer(encoding), tokenizer, 42, 50);
    var lengths = new java.util.ArrayList<Integer>();
    var prompts = new java.util.HashSet<String>();
    for (Conversation c : conversations) {
      String prompt = c.turns().get(0).texts().get(0);
      prompts.add(prompt);
      lengths.add(tokenizer.count(prompt));
    }
    // Re-sample the lengths the same way and compare token by token.
    var random = new java.util.SplittableRandom(42);
    for (int i = 0; i < lengths.size(); i++) {
      assertThat(lengths.get(i)).isEqualTo(SyntheticDatasetProvider.sample(random, 300, 80));
    }
    assertThat(lengths).hasSize(50);
    assertThat(prompts).as("every request gets its own prompt").hasSize(50);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wordlevel", "bpe"})
  void tokenizerJson_promptsHaveExactlyTheRequestedTokenCount(String kind,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path file = kind.equals("bpe")
        ? io.aiperf.engine.internal.tokenizer.TinyTokenizers.bpe(dir)
        : io.aiperf.engine.internal.tokenizer.TinyTokenizers.wordLevel(dir);
    Tokenizer tokenizer =
        new io.aiperf.engine.internal.tokenizer.HuggingFaceTokenizerProvider().load(file.toString());
    List<Conversation> conversations = provider.load(Datasets.synthetic().inputTokens(200, 60)
        .tokenizer(file.toString()), tokenizer, 11, 40);
    var random = new java.util.SplittableRandom(11);
    for (Conversation c : conversations) {
      assertThat(tokenizer.count(c.turns().get(0).texts().get(0)))
          .isEqualTo(SyntheticDatasetProvider.sample(random, 200, 60));
    }
    assertThat(conversations).hasSize(40);
  }

  @Test
  void fixedLengths_areExact() {
    Tokenizer tokenizer = new TiktokenProvider().load("o200k_base");
    for (Conversation c : provider.load(Datasets.synthetic().inputTokens(550, 0)
        .outputTokens(128, 0), tokenizer, 7, 20)) {
      assertThat(tokenizer.count(c.turns().get(0).texts().get(0))).isEqualTo(550);
      assertThat(c.turns().get(0).maxTokens()).isEqualTo(128);
    }
  }

  @Test
  void sameSeed_sameDataset_otherSeed_otherDataset() {
    Tokenizer tokenizer = new TiktokenProvider().load("o200k_base");
    var config = Datasets.synthetic().inputTokens(64, 8).outputTokens(32, 4);
    assertThat(provider.load(config, tokenizer, 1, 10)).isEqualTo(provider.load(config, tokenizer,
        1, 10));
    assertThat(provider.load(config, tokenizer, 1, 10)).isNotEqualTo(provider.load(config,
        tokenizer, 2, 10));
  }

  @Test
  void entries_defaultToOnePerRequest_cappedAtTenThousand() {
    Tokenizer tokenizer = new TiktokenProvider().load("o200k_base");
    var config = Datasets.synthetic().inputTokens(8, 0);
    assertThat(provider.load(config, tokenizer, 1, 37)).hasSize(37);
    assertThat(provider.load(config.entries(5), tokenizer, 1, 37)).hasSize(5);
  }

  @Test
  void noOutputLength_sendsNoLimit() {
    Tokenizer tokenizer = new TiktokenProvider().load("o200k_base");
    assertThat(provider.load(Datasets.synthetic().inputTokens(8, 0), tokenizer, 1, 3))
        .allSatisfy(c -> assertThat(c.turns().get(0).maxTokensIfSet()).isEmpty());
  }
}
