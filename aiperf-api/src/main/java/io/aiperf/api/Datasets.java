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
}
