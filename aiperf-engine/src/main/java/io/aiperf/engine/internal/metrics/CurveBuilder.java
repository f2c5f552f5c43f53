package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/**
 * A step function built in time order, one fold of events at a time, to the very bits
 * {@link SweepLine#sweep} gives for all of them at once: the folds cover consecutive, disjoint
 * time ranges, each is sorted as the whole would be (by time, ends before starts, the order given
 * kept otherwise), and the running sum carries over from one fold to the next, so every partial
 * sum is the one the whole sort would give. AIPerf's snap of residue depends on the largest
 * magnitude of the whole run, so it is applied when the curve is read. A checkpoint after each
 * fold lets a record that arrives late (with events before the last fold's end) rewind the curve
 * to before it. A long run's oldest steps can be taken out ({@link #compact}) once they are summed
 * elsewhere: the curve then starts at a checkpoint, with the value held there. Single-threaded.
 */
final class CurveBuilder {
  private double[] ts = new double[256];
  private double[] sums = new double[256];
  private int size;
  private double sum;
  private double maxAbs;
  private int[] cpSize = new int[16];
  private double[] cpSum = new double[16];
  private double[] cpMax = new double[16];
  private int checkpoints;
  /** The value held before the first step kept (0 until steps are compacted away). */
  private double carry;

  /** Starts empty, with checkpoint 0 at the empty curve. */
  CurveBuilder() {
    checkpoint();
  }

  /**
   * Adds one fold's events, all later than every event already added and earlier than every
   * event still to come (other than those of a later rewind).
   *
   * @param evTs event times, in the order the whole run's events would be given; reordered
   * @param deltas what each adds; reordered and overwritten
   * @param n how many
   */
  void append(double[] evTs, double[] deltas, int n) {
    if (n == 0) {
      return;
    }
    SweepLine.radixSort(evTs, deltas, n, true);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == n - 1 || evTs[i + 1] != evTs[i]) {
        distinct++;
      }
    }
    if (size + distinct > ts.length) {
      int grown = Math.max(size + distinct, ts.length + (ts.length >> 1));
      ts = Arrays.copyOf(ts, grown);
      sums = Arrays.copyOf(sums, grown);
    }
    double s = sum;
    double m = maxAbs;
    for (int i = 0; i < n; i++) {
      s += deltas[i];
      m = Math.max(m, Math.abs(s));
      if (i == n - 1 || evTs[i + 1] != evTs[i]) {
        ts[size] = evTs[i];
        sums[size++] = s;
      }
    }
    sum = s;
    maxAbs = m;
  }

  /** Remembers the state after the folds so far, as the next checkpoint. */
  void checkpoint() {
    if (checkpoints == cpSize.length) {
      int n = checkpoints * 2;
      cpSize = Arrays.copyOf(cpSize, n);
      cpSum = Arrays.copyOf(cpSum, n);
      cpMax = Arrays.copyOf(cpMax, n);
    }
    cpSize[checkpoints] = size;
    cpSum[checkpoints] = sum;
    cpMax[checkpoints++] = maxAbs;
  }

  /**
   * Goes back to a checkpoint, forgetting every later one.
   *
   * @param k the checkpoint, 0 for the empty curve
   */
  void rewind(int k) {
    size = cpSize[k];
    sum = cpSum[k];
    maxAbs = cpMax[k];
    checkpoints = k + 1;
  }

  /**
   * The curve of every fold so far: one step per distinct time, residue below 1e-9 of the
   * largest magnitude snapped to 0.
   *
   * @return a copy; later folds do not change it
   */
  SweepLine.Curve curve() {
    return curve(size, Double.NEGATIVE_INFINITY);
  }

  /**
   * The steps kept, up to a checkpoint's, from a time on: a first step at that time holds the
   * value before the first step kept (unless a step is at that very time), so that the curve is
   * right from there on after older steps were compacted away.
   *
   * @param to past the last step
   * @param from the time from which the curve is read; -inf before anything was compacted
   * @return a copy, residue snapped as in {@link #curve()}
   */
  SweepLine.Curve curve(int to, double from) {
    boolean entry = from > Double.NEGATIVE_INFINITY && (to == 0 || ts[0] > from);
    int n = to + (entry ? 1 : 0);
    if (n == 0) {
      return SweepLine.Curve.EMPTY;
    }
    double[] outTs = new double[n];
    double[] outVals = new double[n];
    int k = 0;
    if (entry) {
      outTs[0] = from;
      outVals[0] = carry;
      k = 1;
    }
    System.arraycopy(ts, 0, outTs, k, to);
    System.arraycopy(sums, 0, outVals, k, to);
    if (maxAbs > 0) {
      double residue = 1e-9 * maxAbs;
      for (int i = 0; i < n; i++) {
        if (Math.abs(outVals[i]) < residue) {
          outVals[i] = 0;
        }
      }
    }
    return new SweepLine.Curve(outTs, outVals);
  }

  /**
   * Returns how many steps there were at a checkpoint.
   *
   * @param k the checkpoint
   * @return the count
   */
  int sizeAt(int k) {
    return cpSize[k];
  }

  /**
   * Forgets the steps before checkpoint k, which becomes checkpoint 0: the value they left is
   * held from there (the caller has summed them already).
   *
   * @param k the checkpoint
   */
  void compact(int k) {
    int drop = cpSize[k];
    if (drop > 0) {
      carry = sums[drop - 1];
      System.arraycopy(ts, drop, ts, 0, size - drop);
      System.arraycopy(sums, drop, sums, 0, size - drop);
      size -= drop;
    }
    checkpoints -= k;
    for (int j = 0; j < checkpoints; j++) {
      cpSize[j] = cpSize[j + k] - drop;
      cpSum[j] = cpSum[j + k];
      cpMax[j] = cpMax[j + k];
    }
    if (ts.length > 1024 && size < ts.length / 4) { // a long run's peak need not stay
      ts = Arrays.copyOf(ts, Math.max(1024, size * 2));
      sums = Arrays.copyOf(sums, ts.length);
    }
  }

  /**
   * Returns how many steps the curve has so far.
   *
   * @return the count
   */
  int size() {
    return size;
  }
}
