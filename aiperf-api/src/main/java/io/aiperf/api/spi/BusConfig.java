package io.aiperf.api.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link MessageBusProvider} needs to create one bus: the channel capacity the engine
 * chose, and the provider's own settings as the user passed them with
 * {@code Benchmark.builder().messageBus(name, settings)}. Each run hands its bus its own
 * {@code BusConfig}, so two runs in one JVM never share bus settings.
 *
 * <pre>{@code
 * BusConfig config = new BusConfig(1 << 16, Map.of("host", "0.0.0.0", "port", "5555"));
 * MessageBus bus = Plugins.select(MessageBusProvider.class, "zmq").create(config);
 * }</pre>
 *
 * <p>The keys a provider understands are its own and are documented with it (the in-memory bus
 * takes none, {@code zmq} lists its keys in {@code io.aiperf.zmq.ZmqBusOptions}); a provider
 * rejects a key it does not know with an {@link IllegalArgumentException} naming it.
 *
 * @param channelCapacity undelivered messages a point-to-point channel holds before
 *     {@link MessageBus#send} blocks, at least 1
 * @param settings provider-specific settings, key to value; copied, sorted by key and immutable
 * @since 0.1.0
 */
public record BusConfig(int channelCapacity, Map<String, String> settings) {
  /**
   * Checks and copies the settings.
   *
   * @param channelCapacity undelivered messages a point-to-point channel holds before
   *     {@link MessageBus#send} blocks, at least 1
   * @param settings provider-specific settings, key to value; copied, sorted by key and immutable
   * @throws IllegalArgumentException if the capacity is below 1
   * @throws NullPointerException if the settings, a key or a value is null
   */
  public BusConfig {
    if (channelCapacity < 1) {
      throw new IllegalArgumentException("channelCapacity was '" + channelCapacity
          + "' but it must be at least 1");
    }
    Objects.requireNonNull(settings, "settings");
    settings.forEach((k, v) -> {
      Objects.requireNonNull(k, "settings key");
      Objects.requireNonNull(v, () -> "value of setting '" + k + "'");
    });
    // Sorted, so error messages and toString() list the keys in a stable order.
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /**
   * Makes a configuration without provider settings.
   *
   * @param channelCapacity undelivered messages a channel holds before {@code send} blocks
   * @return the configuration
   * @throws IllegalArgumentException if the capacity is below 1
   */
  public static BusConfig of(int channelCapacity) {
    return new BusConfig(channelCapacity, Map.of());
  }

  /**
   * Returns one setting.
   *
   * @param key the setting's key
   * @return its value, empty when it was not given
   */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /** Shows the keys but not the values, which may be secret keys. */
  @Override
  public String toString() {
    return "BusConfig[channelCapacity=" + channelCapacity + ", settings=" + settings.keySet() + "]";
  }
}
