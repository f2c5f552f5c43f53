package io.aiperf.engine.internal.metrics;

import io.aiperf.api.spi.MetricValues;
import java.util.Arrays;

/**
 * One request's record-metric values, indexed by metric id ({@link MetricRegistry}): metric
 * {@code id} has {@code values[offsets[id]]} up to {@code values[offsets[id + 1]]} (exclusive),
 * none when the two are equal. An id past the end of {@code offsets} has no values, so a record
 * without values is {@link #NONE} whatever the registry's size. Two primitive arrays: nothing to
 * hash, box or copy per metric, and a compact wire form. The arrays are never written after the
 * record is built.
 *
 * @param offsets where each metric's values begin, then where the last one's end
 * @param values every value, in the metric's base unit, metric after metric
 */
public record RecordValues(int[] offsets, double[] values) {
  /** No values. */
  public static final RecordValues NONE = new RecordValues(new int[] {0}, new double[0]);

  /**
   * Checks the layout, so a record decoded from another process cannot index out of bounds.
   *
   * @throws IllegalArgumentException if the offsets do not start at 0, decrease, or do not end
   *     at the number of values
   */
  public RecordValues {
    if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != values.length) {
      throw new IllegalArgumentException("offsets must run from 0 to " + values.length
          + " but were " + Arrays.toString(offsets));
    }
    for (int i = 1; i < offsets.length; i++) {
      if (offsets[i] < offsets[i - 1]) {
        throw new IllegalArgumentException("offsets must not decrease but were "
            + Arrays.toString(offsets));
      }
    }
  }

  /**
   * Returns how many ids the record spans; ids from here on have no values.
   *
   * @return the count
   */
  public int span() {
    return offsets.length - 1;
  }

  /**
   * Returns how many values a metric has.
   *
   * @param id the metric id
   * @return the count, 0 when it has none
   */
  public int count(int id) {
    return id >= 0 && id < offsets.length - 1 ? offsets[id + 1] - offsets[id] : 0;
  }

  /**
   * Returns a metric's first value.
   *
   * @param id the metric id
   * @return the value
   * @throws IllegalArgumentException if it has none
   */
  public double first(int id) {
    if (count(id) == 0) {
      throw new IllegalArgumentException("metric " + id + " has no value");
    }
    return values[offsets[id]];
  }

  /**
   * Copies a metric's values.
   *
   * @param id the metric id
   * @return the values, empty when it has none
   */
  public double[] copyOf(int id) {
    int n = count(id);
    return n == 0 ? new double[0] : Arrays.copyOfRange(values, offsets[id], offsets[id] + n);
  }

  /**
   * One value for one metric: e.g. the input length of a failed request.
   *
   * @param id the metric id
   * @param value the value
   * @return the record
   */
  public static RecordValues single(int id, double value) {
    int[] offsets = new int[id + 2];
    offsets[id + 1] = 1;
    return new RecordValues(offsets, new double[] {value});
  }

  /**
   * Collects a record's values metric by metric, in id order; one per thread, reused for every
   * record. Metrics add through {@link MetricValues}, the plugin interface.
   */
  public static final class Builder implements MetricValues {
    private final int[] offsets;
    private double[] values = new double[512];
    private int size;
    private int next;

    /**
     * Creates a builder for a registry's ids.
     *
     * @param metrics the registry's size
     */
    public Builder(int metrics) {
      offsets = new int[metrics + 1];
    }

    /**
     * Forgets the last record's values.
     *
     * @return this builder
     */
    public Builder clear() {
      size = 0;
      next = 0;
      return this;
    }

    /**
     * Starts a metric's values; ids must come in increasing order, skipped ones have none.
     *
     * @param id the metric id
     */
    public void begin(int id) {
      while (next <= id) {
        offsets[next++] = size;
      }
    }

    @Override
    public void add(double value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    /**
     * Returns the record's values.
     *
     * @return a record holding copies of the arrays
     */
    public RecordValues build() {
      if (size == 0) {
        return NONE;
      }
      begin(offsets.length - 1);
      return new RecordValues(Arrays.copyOf(offsets, offsets.length),
          Arrays.copyOf(values, size));
    }
  }
}
