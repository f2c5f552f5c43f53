package io.aiperf.cli.config;

import java.util.List;

/**
 * An {@code aiperf profile} flag a configuration file sets, with its values as they would be
 * typed and the key they come from.
 *
 * @param flag the flag's long name, e.g. {@code --concurrency}
 * @param values its values (none for a boolean flag, several for a repeatable one)
 * @param origin where the file sets it
 */
public record FileFlag(String flag, List<String> values, Origin origin) {
  public FileFlag {
    values = List.copyOf(values);
  }

  /** The flag and its values as command-line arguments. */
  public List<String> args() {
    if (values.isEmpty()) {
      return List.of(flag);
    }
    List<String> out = new java.util.ArrayList<>();
    for (String v : values) {
      out.add(flag);
      out.add(v);
    }
    return out;
  }
}
