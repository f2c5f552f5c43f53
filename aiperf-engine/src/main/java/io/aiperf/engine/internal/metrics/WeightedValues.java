package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/**
 * Values with weights (a step function's values and how long each was held), summed into a
 * constant-size accumulator: the weighted mean and deviation as running sums (West's weighted
 * update, Chan's merge), min and max exactly, and the weighted percentiles from a histogram whose
 * buckets are the values with their mantissa cut to {@link #MANTISSA_BITS} bits (each bucket
 * 2^-10 = 0.098 % of its values wide). A percentile is the one value its bucket held when it held
 * one (a concurrency, say: exact), otherwise the bucket's middle, within half a bucket: 0.05 %,
 * as AIPerf's t-digest claims for its bounded-memory backend. Past {@link #MAX_BUCKETS} buckets
 * (values spread over more than a factor of 16), neighbours merge (one bit less, twice as wide)
 * so that the size stays bounded, at most some 160 KB, whatever the values; {@link
 * #relativeError()} says how precise it then is.
 */
final class WeightedValues implements SweepLine.Segments {
  /** Mantissa bits kept per bucket, at first. */
  static final int MANTISSA_BITS = 10;
  /** Buckets kept before neighbours merge. */
  static final int MAX_BUCKETS = 4096;
  private static final int EMPTY = -1;
  /** Set in a key whose bucket held more than one distinct value. */
  private static final int MIXED = 1 << 30;

  private double weight;
  private double mean;
  private double squares;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  /** Bits of a value's order-preserving pattern dropped for its bucket. */
  private int shift = 52 - MANTISSA_BITS;
  /**
   * Open addressing, half full at most: bucket keys (EMPTY when free, {@link #MIXED} set once
   * two values differ), their weights and the first value each held.
   */
  private int[] keys = filled(64);
  private double[] w = new double[64];
  private double[] one = new double[64];
  private int buckets;

  private static int[] filled(int n) {
    int[] k = new int[n];
    Arrays.fill(k, EMPTY);
    return k;
  }

  /**
   * Adds a value held for a time.
   *
   * @param v the value
   * @param dur its weight; nothing is added unless it is positive
   */
  @Override
  public void add(double v, double dur) {
    if (!(dur > 0)) {
      return;
    }
    double total = weight + dur;
    double delta = v - mean;
    mean += delta * dur / total;
    squares += dur * delta * (v - mean);
    weight = total;
    min = Math.min(min, v);
    max = Math.max(max, v);
    bucket(key(v), dur, v, false);
  }

  /**
   * Adds everything another accumulator holds.
   *
   * @param o the other
   */
  void addAll(WeightedValues o) {
    if (o.weight == 0) {
      return;
    }
    if (weight == 0) {
      mean = o.mean;
      squares = o.squares;
    } else {
      double total = weight + o.weight;
      double delta = o.mean - mean;
      mean += delta * o.weight / total;
      squares += o.squares + delta * delta * weight * o.weight / total;
    }
    weight += o.weight;
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
    while (shift < o.shift) {
      coarsen();
    }
    for (int i = 0; i < o.keys.length; i++) {
      if (o.keys[i] != EMPTY) {
        bucket((o.keys[i] & ~MIXED) >>> (shift - o.shift), o.w[i], o.one[i],
            (o.keys[i] & MIXED) != 0);
      }
    }
  }

  /**
   * Returns a copy, to add to without changing this one.
   *
   * @return the copy
   */
  WeightedValues copy() {
    WeightedValues c = new WeightedValues();
    c.addAll(this);
    return c;
  }

  /**
   * AIPerf's time-weighted statistics of what was added, the weights their total time.
   *
   * @return the statistics; {@link SweepLine.Stats#ZERO} when nothing was added
   */
  SweepLine.Stats stats() {
    if (!(weight > 0)) {
      return SweepLine.Stats.ZERO;
    }
    // Keys are ordered as their values: sort by key through a packed long.
    long[] packed = new long[buckets];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY) {
        packed[n++] = (long) (keys[i] & ~MIXED) << 20 | i;
      }
    }
    Arrays.sort(packed);
    double[] val = new double[n];
    double[] cum = new double[n];
    double c = 0;
    for (int i = 0; i < n; i++) {
      int b = (int) (packed[i] & ((1 << 20) - 1));
      val[i] = (keys[b] & MIXED) == 0 ? one[b] : middle(keys[b] & ~MIXED);
      c += w[b];
      cum[i] = c;
    }
    return new SweepLine.Stats(mean, min, max, share(val, cum, 0.50), share(val, cum, 0.90),
        share(val, cum, 0.95), share(val, cum, 0.99),
        Math.sqrt(Math.max(0, squares) / weight));
  }

  /** The middle of a bucket's values: between its first and its last pattern. */
  private double middle(int key) {
    double a = value((long) key << shift);
    double b = value(((long) key + 1 << shift) - 1);
    return Math.min(max, Math.max(min, a + (b - a) / 2));
  }

  private static double value(long sortable) {
    return Double.longBitsToDouble(sortable < 0 ? sortable ^ Long.MIN_VALUE : ~sortable);
  }

  private static double share(double[] val, double[] cum, double p) {
    double whole = cum[cum.length - 1];
    for (int i = 0; i < cum.length; i++) {
      if (cum[i] / whole >= p) {
        return val[i];
      }
    }
    return val[val.length - 1];
  }

  /**
   * Returns the largest relative error of a percentile: half a bucket's width.
   *
   * @return e.g. 4.9e-4 with {@link #MANTISSA_BITS} bits
   */
  double relativeError() {
    return Math.scalb(1.0, -(52 - shift) - 1);
  }

  /**
   * Returns the total weight added.
   *
   * @return the sum of the durations
   */
  double weight() {
    return weight;
  }

  /**
   * Returns how many buckets the histogram holds.
   *
   * @return at most {@link #MAX_BUCKETS}
   */
  int buckets() {
    return buckets;
  }

  private int key(double v) {
    long bits = Double.doubleToRawLongBits(v + 0.0);
    long sortable = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    return (int) (sortable >>> shift);
  }

  private void bucket(int key, double dur, double v, boolean mixed) {
    if (insert(key, dur, v, mixed) && buckets * 2 > keys.length) {
      if (buckets > MAX_BUCKETS) {
        while (buckets > MAX_BUCKETS) {
          coarsen();
        }
      } else {
        rehash(keys.length * 2, 0);
      }
    }
  }

  /** Adds to a bucket, a new one if need be (true then); the table has room. */
  private boolean insert(int key, double dur, double v, boolean mixed) {
    int mask = keys.length - 1;
    int i = (key * 0x9E3779B9 >>> 16) & mask;
    while (keys[i] != EMPTY && (keys[i] & ~MIXED) != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      keys[i] = mixed ? key | MIXED : key;
      w[i] = dur;
      one[i] = v;
      buckets++;
      return true;
    }
    w[i] += dur;
    if (mixed || v != one[i]) {
      keys[i] |= MIXED;
    }
    return false;
  }

  /** Merges neighbouring buckets: one mantissa bit less. */
  private void coarsen() {
    shift++;
    rehash(keys.length, 1);
  }

  private void rehash(int capacity, int drop) {
    int[] k = keys;
    double[] ow = w;
    double[] oone = one;
    keys = filled(capacity);
    w = new double[capacity];
    one = new double[capacity];
    buckets = 0;
    for (int i = 0; i < k.length; i++) {
      if (k[i] != EMPTY) {
        insert((k[i] & ~MIXED) >>> drop, ow[i], oone[i], (k[i] & MIXED) != 0);
      }
    }
  }
}
