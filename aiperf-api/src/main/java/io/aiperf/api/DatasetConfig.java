package io.aiperf.api;

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
}
