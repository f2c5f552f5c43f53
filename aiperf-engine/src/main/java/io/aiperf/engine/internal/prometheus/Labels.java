package io.aiperf.engine.internal.prometheus;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A sample's labels, sorted by name: two samples with the same labels in another order are the
 * same series. Immutable.
 */
public final class Labels {
  /** No labels. */
  public static final Labels EMPTY = new Labels(new String[0], new String[0]);

  private final String[] names;
  private final String[] values;
  private final int hash;

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
  }

  /**
   * Labels from alternating names and values.
   *
   * @param namesAndValues name, value, name, value, ...
   * @return the labels, sorted by name
   * @throws IllegalArgumentException if a name repeats or the count is odd
   */
  public static Labels of(String... namesAndValues) {
    return of(Arrays.asList(namesAndValues));
  }

  /**
   * Labels from alternating names and values.
   *
   * @param namesAndValues name, value, name, value, ...
   * @return the labels, sorted by name
   * @throws IllegalArgumentException if a name repeats or the count is odd
   */
  public static Labels of(List<String> namesAndValues) {
    int n = namesAndValues.size();
    if (n % 2 != 0) {
      throw new IllegalArgumentException("labels need a value for every name but " + n
          + " strings were given");
    }
    if (n == 0) {
      return EMPTY;
    }
    Integer[] order = new Integer[n / 2];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> namesAndValues.get(2 * a).compareTo(namesAndValues.get(2 * b)));
    String[] names = new String[order.length];
    String[] values = new String[order.length];
    for (int i = 0; i < order.length; i++) {
      names[i] = namesAndValues.get(2 * order[i]);
      values[i] = namesAndValues.get(2 * order[i] + 1);
      if (i > 0 && names[i].equals(names[i - 1])) {
        throw new IllegalArgumentException("label '" + names[i] + "' was given twice");
      }
    }
    return new Labels(names, values);
  }

  /**
   * Labels from a map.
   *
   * @param map name to value
   * @return the labels
   */
  public static Labels of(Map<String, String> map) {
    String[] flat = new String[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      flat[i++] = e.getKey();
      flat[i++] = e.getValue();
    }
    return of(flat);
  }

  /**
   * A label's value.
   *
   * @param name the label name
   * @return the value, null when absent
   */
  public @Nullable String get(String name) {
    int i = Arrays.binarySearch(names, name);
    return i < 0 ? null : values[i];
  }

  /**
   * These labels without one.
   *
   * @param name the label to drop, e.g. {@code le} of a histogram bucket
   * @return the labels without it (this when absent)
   */
  public Labels without(String name) {
    int i = Arrays.binarySearch(names, name);
    if (i < 0) {
      return this;
    }
    if (names.length == 1) {
      return EMPTY;
    }
    String[] n = new String[names.length - 1];
    String[] v = new String[names.length - 1];
    System.arraycopy(names, 0, n, 0, i);
    System.arraycopy(values, 0, v, 0, i);
    System.arraycopy(names, i + 1, n, i, names.length - i - 1);
    System.arraycopy(values, i + 1, v, i, names.length - i - 1);
    return new Labels(n, v);
  }

  /**
   * How many labels there are.
   *
   * @return the count
   */
  public int size() {
    return names.length;
  }

  /**
   * Whether there are none.
   *
   * @return true without labels
   */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /**
   * The labels as a map, sorted by name.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> asMap() {
    if (names.length == 0) {
      return Map.of();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Labels l && hash == l.hash && Arrays.equals(names, l.names)
        && Arrays.equals(values, l.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(names[i]).append("=\"").append(values[i]).append('"');
    }
    return sb.append('}').toString();
  }
}
