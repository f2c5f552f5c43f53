package io.aiperf.api;

import java.util.Optional;

/**
 * Describes the inputs a benchmark sends. The {@link #type()} names the {@code DatasetProvider}
 * that turns this description into conversations; build instances with {@link Datasets}.
 *
 * @since 0.1.0
 */
public interface DatasetConfig {
  /**
   * Returns the name of the dataset provider that handles this configuration.
   *
   * @return the provider name, e.g. {@code synthetic}
   */
  String type();

  /**
   * Returns the order in which entries are sent (AIPerf's {@code --dataset-sampling-strategy}):
   * {@code sequential}, {@code shuffle} or {@code random}.
   *
   * @return the strategy, empty for the dataset's default (shuffle for synthetic data,
   *     sequential for files)
   * @since 0.1.0
   */
  default Optional<String> samplingStrategy() {
    return Optional.empty();
  }

  /**
   * Returns the system prompt text sent before every conversation (AIPerf's
   * {@code --system-prompt}), on turns that bring none of their own.
   *
   * @return the text, empty for none
   * @since 0.1.0
   */
  default Optional<String> systemPrompt() {
    return Optional.empty();
  }
}
