package io.aiperf.api.spi;

/**
 * What every plugin kind has in common. Implementations need a public no-argument constructor that
 * does no heavy work; {@link java.util.ServiceLoader} creates them.
 *
 * @since 0.1.0
 */
public interface Plugin {
  /**
   * Returns the name users choose this plugin by.
   *
   * @return the name, e.g. {@code chat} or {@code inmemory}
   */
  String name();

  /**
   * Returns the priority among providers of the same name; the highest wins.
   *
   * @return the priority, 0 by default
   */
  default int priority() {
    return 0;
  }

  /**
   * Returns whether this plugin can run here (e.g. its optional dependencies are present).
   *
   * @return true by default
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Returns a one-line description for listings.
   *
   * @return the description
   */
  default String description() {
    return "";
  }
}
