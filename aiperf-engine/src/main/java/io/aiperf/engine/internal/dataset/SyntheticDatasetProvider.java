package io.aiperf.engine.internal.dataset;

import io.aiperf.api.DatasetConfig;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthetic single-turn conversations: input lengths from Normal(ISL mean, sd), exact after
 * re-encoding; output lengths from Normal(OSL mean, sd). Deterministic for a seed.
 */
public final class SyntheticDatasetProvider implements DatasetProvider {
  /** Beyond this many requests, prompts repeat rather than hold every one in memory. */
  static final int DEFAULT_MAX_ENTRIES = 10_000;

  private static final Map<String, PromptGenerator> GENERATORS = new ConcurrentHashMap<>();

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
    PromptGenerator generator =
        GENERATORS.computeIfAbsent(tokenizer.name(), n -> new PromptGenerator(tokenizer));
    int entries = s.entries().orElse(Math.min(requestCount, DEFAULT_MAX_ENTRIES));
    // Lengths and texts come from separate streams, so changing the OSL never changes the prompts.
    SplittableRandom lengths = new SplittableRandom(seed);
    SplittableRandom texts = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<Conversation> conversations = new ArrayList<>(entries);
    boolean multiTurn = s.turnsMean() > 1 || s.turnsStddev() > 0;
    for (int i = 0; i < entries; i++) {
      int turnCount = multiTurn ? sample(lengths, s.turnsMean(), s.turnsStddev()) : 1;
      List<Turn> turns = new ArrayList<>(turnCount);
      for (int t = 0; t < turnCount; t++) {
        int isl = sample(lengths, s.inputTokensMean(), s.inputTokensStddev());
        int osl = s.outputTokensMean().isPresent()
            ? sample(lengths, s.outputTokensMean().getAsDouble(), s.outputTokensStddev()) : 0;
        long delay = t == 0 ? 0 : Math.max(0, Math.round(s.turnDelayMeanMillis()
            + (s.turnDelayStddevMillis() > 0 ? s.turnDelayStddevMillis() * gaussian(lengths)
            : 0)));
        turns.add(new Turn(List.of(generator.generate(isl, texts)), osl, delay, -1));
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
