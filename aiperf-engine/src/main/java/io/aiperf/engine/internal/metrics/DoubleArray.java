package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/** A growable array of primitive doubles: exact statistics over millions of values, unboxed. */
public final class DoubleArray {
  private double[] values = new double[1024];
  private int size;

  /**
   * Appends a value.
   *
   * @param value the value
   */
  public void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length + (values.length >> 1));
    }
    values[size++] = value;
  }

  /**
   * Returns the number of values.
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  /**
   * Returns the backing array; only the first {@link #size()} entries are values.
   *
   * @return the array, not a copy
   */
  public double[] raw() {
    return values;
  }
}
