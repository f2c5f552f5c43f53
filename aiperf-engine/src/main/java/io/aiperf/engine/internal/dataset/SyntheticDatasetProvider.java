package io.aiperf.engine.internal.dataset;

import io.aiperf.api.DatasetConfig;
import io.aiperf.api.SequenceDistribution;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic conversations: input lengths from Normal(ISL mean, sd) or a {@code --seq-dist}
 * mixture, exact after re-encoding; output lengths from Normal(OSL mean, sd); optional prefix
 * prompts, a shared system prompt, several texts per turn, images and audio. Deterministic for a
 * seed.
 */
public final class SyntheticDatasetProvider implements DatasetProvider {
  /** Beyond this many requests, prompts repeat rather than hold every one in memory. */
  static final int DEFAULT_MAX_ENTRIES = 10_000;

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public String description() {
    return "Synthetic prompts with exact token lengths, deterministic for a seed";
  }

  @Override
  public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
      int requestCount) {
    if (!(config instanceof SyntheticDataset s)) {
      throw new IllegalArgumentException("dataset was '" + config.type()
          + "' but the synthetic provider needs Datasets.synthetic()");
    }
    PromptGenerator generator = PromptGenerator.of(tokenizer);
    int entries = s.entries().orElse(Math.min(requestCount, DEFAULT_MAX_ENTRIES));
    // Lengths and texts come from separate streams, so changing the OSL never changes the prompts;
    // every newer feature has a stream of its own, so turning it on leaves the others unchanged.
    SplittableRandom lengths = new SplittableRandom(seed);
    SplittableRandom texts = new SplittableRandom(seed ^ 0x5DEECE66DL);
    SplittableRandom mixture = new SplittableRandom(seed ^ 0x1B873593L);
    SplittableRandom prefixes = new SplittableRandom(seed ^ 0xCC9E2D51L);
    SyntheticMedia media = SyntheticMedia.of(s, seed);
    List<String> prefixPool = new ArrayList<>(s.prefixPromptCount());
    for (int i = 0; i < s.prefixPromptCount(); i++) {
      prefixPool.add(generator.generate(s.prefixPromptLength(), prefixes));
    }
    String systemPrompt = s.sharedSystemPromptLength() > 0
        ? generator.generate(s.sharedSystemPromptLength(), prefixes) : null;
    List<Conversation> conversations = new ArrayList<>(entries);
    boolean multiTurn = s.turnsMean() > 1 || s.turnsStddev() > 0;
    for (int i = 0; i < entries; i++) {
      int turnCount = multiTurn ? sample(lengths, s.turnsMean(), s.turnsStddev()) : 1;
      List<Turn> turns = new ArrayList<>(turnCount);
      for (int t = 0; t < turnCount; t++) {
        int isl;
        int osl;
        if (s.sequenceDistribution().isPresent()) {
          SequenceDistribution.Pair pair =
              s.sequenceDistribution().get().pick(mixture.nextDouble());
          isl = sample(mixture, pair.isl(), pair.islStddev());
          osl = sample(mixture, pair.osl(), pair.oslStddev());
        } else {
          isl = sample(lengths, s.inputTokensMean(), s.inputTokensStddev());
          osl = s.outputTokensMean().isPresent()
              ? sample(lengths, s.outputTokensMean().getAsDouble(), s.outputTokensStddev()) : 0;
        }
        long delay = t == 0 ? 0 : Math.max(0, Math.round(s.turnDelayMeanMillis()
            + (s.turnDelayStddevMillis() > 0 ? s.turnDelayStddevMillis() * gaussian(lengths)
            : 0)));
        List<String> prompts = new ArrayList<>(s.batchSize());
        for (int b = 0; b < s.batchSize(); b++) {
          String prompt = generator.generate(isl, texts);
          // AIPerf prepends a prefix from the pool to the first turn, with a space between.
          if (t == 0 && b == 0 && !prefixPool.isEmpty()) {
            prompt = prefixPool.get(prefixes.nextInt(prefixPool.size())) + " " + prompt;
          }
          prompts.add(prompt);
        }
        turns.add(new Turn(prompts, osl, delay, -1, media.next(), null, systemPrompt));
      }
      conversations.add(new Conversation("synthetic_" + i, turns));
    }
    return conversations;
  }

  /** Normal(mean, sd) rounded to a whole token count of at least 1. */
  static int sample(SplittableRandom random, double mean, double stddev) {
    double value = stddev > 0 ? mean + stddev * gaussian(random) : mean;
    return (int) Math.max(1, Math.round(value));
  }

  /** Box–Muller, written out so the same seed gives the same lengths on every JDK. */
  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
