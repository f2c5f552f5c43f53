package io.aiperf.api.spi;

import io.aiperf.api.DatasetConfig;
import java.util.List;

/**
 * Turns a {@link DatasetConfig} into conversations before the run starts; its {@link #name()}
 * matches {@link DatasetConfig#type()}.
 *
 * @since 0.1.0
 */
public interface DatasetProvider extends Plugin {
  /**
   * Makes the conversations.
   *
   * @param config the dataset configuration
   * @param tokenizer the tokenizer that counts input tokens
   * @param seed the run's random seed
   * @param requestCount how many requests the run sends (a hint for how many entries to make)
   * @return the conversations, at least one
   * @throws IllegalArgumentException naming the input if the configuration cannot be served
   */
  List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed, int requestCount);
}
