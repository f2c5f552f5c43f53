package io.aiperf.api;

/**
 * Factories for dataset configurations.
 *
 * <pre>{@code
 * Datasets.synthetic().inputTokens(550, 0).outputTokens(128, 0).seed(42)
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Datasets {
  private Datasets() {}

  /**
   * Synthetic prompts with a chosen input and output length distribution, deterministic for a seed.
   *
   * @return a synthetic dataset with AIPerf's defaults (550 input tokens, no output limit)
   */
  public static SyntheticDataset synthetic() {
    return SyntheticDataset.DEFAULT;
  }

  /**
   * One request per line of a JSONL file (AIPerf's {@code single_turn}); lines with a
   * {@code timestamp} make a trace replayed on a fixed schedule.
   *
   * @param path the file
   * @return the dataset
   */
  public static FileDataset singleTurn(java.nio.file.Path path) {
    return new FileDataset("single_turn", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * One session per line of a JSONL file (AIPerf's {@code multi_turn}).
   *
   * @param path the file
   * @return the dataset
   */
  public static FileDataset multiTurn(java.nio.file.Path path) {
    return new FileDataset("multi_turn", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }
}
