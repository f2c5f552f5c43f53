package io.aiperf.api;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Synthetic prompts whose input lengths follow Normal(mean, stddev) tokens, counted with a real
 * tokenizer, and whose requested output lengths follow Normal(mean, stddev). The same seed always
 * gives the same prompts. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * SyntheticDataset d = Datasets.synthetic().inputTokens(512, 50).outputTokens(128, 10).seed(7);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SyntheticDataset implements DatasetConfig {
  /** The default tokenizer, OpenAI's o200k_base encoding, embedded (no download). */
  public static final String DEFAULT_TOKENIZER = "o200k_base";

  static final SyntheticDataset DEFAULT =
      new SyntheticDataset(550, 0, Double.NaN, 0, null, DEFAULT_TOKENIZER, 0, 1, 0, 0, 0);

  private final double inputMean;
  private final double inputStddev;
  private final double outputMean;
  private final double outputStddev;
  private final Long seed;
  private final String tokenizer;
  private final int entries;
  private final double turnsMean;
  private final double turnsStddev;
  private final double delayMeanMillis;
  private final double delayStddevMillis;

  private SyntheticDataset(double inputMean, double inputStddev, double outputMean,
      double outputStddev, Long seed, String tokenizer, int entries, double turnsMean,
      double turnsStddev, double delayMeanMillis, double delayStddevMillis) {
    this.turnsMean = turnsMean;
    this.turnsStddev = turnsStddev;
    this.delayMeanMillis = delayMeanMillis;
    this.delayStddevMillis = delayStddevMillis;
    this.inputMean = inputMean;
    this.inputStddev = inputStddev;
    this.outputMean = outputMean;
    this.outputStddev = outputStddev;
    this.seed = seed;
    this.tokenizer = tokenizer;
    this.entries = entries;
  }

  @Override
  public String type() {
    return "synthetic";
  }

  /**
   * Returns a copy with this input length distribution (AIPerf's {@code --isl}, {@code --isl-stddev}).
   *
   * @param mean the mean prompt length in tokens
   * @param stddev the standard deviation in tokens, 0 for a fixed length
   * @return the changed copy
   */
  public SyntheticDataset inputTokens(double mean, double stddev) {
    return new SyntheticDataset(mean, stddev, outputMean, outputStddev, seed, tokenizer, entries,
        turnsMean, turnsStddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy that asks for this output length (AIPerf's {@code --osl}, {@code --osl-stddev}),
   * sent as {@code max_completion_tokens}. Without it no output limit is sent.
   *
   * @param mean the mean output length in tokens
   * @param stddev the standard deviation in tokens, 0 for a fixed length
   * @return the changed copy
   */
  public SyntheticDataset outputTokens(double mean, double stddev) {
    return new SyntheticDataset(inputMean, inputStddev, mean, stddev, seed, tokenizer, entries,
        turnsMean, turnsStddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy with this random seed; the same seed always produces the same prompts.
   *
   * @param seed the seed
   * @return the changed copy
   */
  public SyntheticDataset seed(long seed) {
    return new SyntheticDataset(inputMean, inputStddev, outputMean, outputStddev, seed, tokenizer,
        entries,
        turnsMean, turnsStddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy that counts tokens with this tokenizer.
   *
   * @param tokenizer a tokenizer name, e.g. {@code o200k_base} or {@code cl100k_base}
   * @return the changed copy
   */
  public SyntheticDataset tokenizer(String tokenizer) {
    return new SyntheticDataset(inputMean, inputStddev, outputMean, outputStddev, seed,
        Objects.requireNonNull(tokenizer, "tokenizer"), entries,
        turnsMean, turnsStddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy with this many distinct prompts (AIPerf's {@code --num-dataset-entries});
   * requests cycle through them. By default every request gets its own prompt, up to 10,000.
   *
   * @param entries the number of distinct prompts
   * @return the changed copy
   */
  public SyntheticDataset entries(int entries) {
    return new SyntheticDataset(inputMean, inputStddev, outputMean, outputStddev, seed, tokenizer,
        entries,
        turnsMean, turnsStddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy whose conversations have this many turns (AIPerf's
   * {@code --session-turns-mean}, {@code --session-turns-stddev}); each later turn resends the
   * history with the server's real replies.
   *
   * @param mean the mean turns per session, at least 1
   * @param stddev the standard deviation
   * @return the changed copy
   */
  public SyntheticDataset turns(double mean, double stddev) {
    return new SyntheticDataset(inputMean, inputStddev, outputMean, outputStddev, seed, tokenizer,
        entries, mean, stddev, delayMeanMillis, delayStddevMillis);
  }

  /**
   * Returns a copy that waits this long between a turn's response and the next turn (AIPerf's
   * {@code --session-turn-delay-mean}, {@code --session-turn-delay-stddev}).
   *
   * @param meanMillis the mean delay in ms, &gt;= 0
   * @param stddevMillis the standard deviation in ms
   * @return the changed copy
   */
  public SyntheticDataset turnDelay(double meanMillis, double stddevMillis) {
    return new SyntheticDataset(inputMean, inputStddev, outputMean, outputStddev, seed, tokenizer,
        entries, turnsMean, turnsStddev, meanMillis, stddevMillis);
  }

  /**
   * Returns the mean turns per session.
   *
   * @return turns, 1 by default
   */
  public double turnsMean() {
    return turnsMean;
  }

  /**
   * Returns the turns per session standard deviation.
   *
   * @return turns
   */
  public double turnsStddev() {
    return turnsStddev;
  }

  /**
   * Returns the mean delay between turns.
   *
   * @return milliseconds
   */
  public double turnDelayMeanMillis() {
    return delayMeanMillis;
  }

  /**
   * Returns the delay standard deviation.
   *
   * @return milliseconds
   */
  public double turnDelayStddevMillis() {
    return delayStddevMillis;
  }

  /**
   * Returns the mean input length.
   *
   * @return tokens
   */
  public double inputTokensMean() {
    return inputMean;
  }

  /**
   * Returns the input length standard deviation.
   *
   * @return tokens
   */
  public double inputTokensStddev() {
    return inputStddev;
  }

  /**
   * Returns the mean requested output length.
   *
   * @return tokens, empty when no output limit is sent
   */
  public OptionalDouble outputTokensMean() {
    return Double.isNaN(outputMean) ? OptionalDouble.empty() : OptionalDouble.of(outputMean);
  }

  /**
   * Returns the requested output length standard deviation.
   *
   * @return tokens
   */
  public double outputTokensStddev() {
    return outputStddev;
  }

  /**
   * Returns the seed.
   *
   * @return the seed, empty when a random one is chosen per run (and reported in the result)
   */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /**
   * Returns the tokenizer name.
   *
   * @return the tokenizer
   */
  public String tokenizer() {
    return tokenizer;
  }

  /**
   * Returns the number of distinct prompts.
   *
   * @return the count, empty for the default (one per request, up to 10,000)
   */
  public OptionalInt entries() {
    return entries == 0 ? OptionalInt.empty() : OptionalInt.of(entries);
  }

  @Override
  public String toString() {
    return "SyntheticDataset{isl=" + inputMean + "±" + inputStddev + ", osl="
        + (Double.isNaN(outputMean) ? "none" : outputMean + "±" + outputStddev) + ", seed=" + seed
        + ", tokenizer=" + tokenizer + ", entries=" + (entries == 0 ? "auto" : entries) + "}";
  }
}
