package io.aiperf.engine.internal.metrics;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Which requests the folds of {@link RequestSpans} have been through, by index in its columns:
 * the frontier (every event before it is in the curves), the requests still pending (with events
 * at or after it), those retired, and at each checkpoint (one per fold) the frontier and how many
 * had retired. A rewind to a checkpoint takes the requests retired since back into the pending
 * ones; a compaction up to a checkpoint forgets the requests retired by it and makes it the first.
 * Kept apart from the curves themselves because these invariants (pending ascending after a rewind,
 * retired in the order they left) are the ones a straggler or a compaction must not break.
 */
final class FoldLedger {
  /** Every event before it is in the curves. */
  private double frontier = Double.NEGATIVE_INFINITY;
  /** The frontier at each of the builders' checkpoints; 0 is the start. */
  private double[] checkpointAt = {Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0};
  private int checkpoints = 1;
  /** The requests with events at or after the frontier, ascending. */
  private int[] pending = new int[1024];
  private int pendingCount;
  /** The requests no longer pending, in the order they left; a rewind takes some back. */
  private int[] retired = new int[1024];
  private int retiredCount;
  /** How many had left at each checkpoint. */
  private int[] retiredAt = new int[8];

  /** Every event before it is in the curves; -inf before the first fold. */
  double frontier() {
    return frontier;
  }

  int pendingCount() {
    return pendingCount;
  }

  /** The i-th pending request. */
  int pending(int i) {
    return pending[i];
  }

  /** How many checkpoints there are, the start (checkpoint 0) included. */
  int checkpoints() {
    return checkpoints;
  }

  /** The frontier at checkpoint k. */
  double checkpointAt(int k) {
    return checkpointAt[k];
  }

  /** How many requests had retired at checkpoint k. */
  int retiredAt(int k) {
    return retiredAt[k];
  }

  /** Makes a newly arrived request pending. */
  void addPending(int r) {
    if (pendingCount == pending.length) {
      pending = Arrays.copyOf(pending, pendingCount * 2);
    }
    pending[pendingCount++] = r;
  }

  /**
   * Records a fold up to {@code hi} (of every event left with {@code all}): moves the frontier
   * there, retires the pending requests whose latest event ({@code maxT}) is before it (every one
   * with {@code all}), and adds a checkpoint.
   */
  void folded(double hi, boolean all, double[] maxT) {
    frontier = all ? Double.POSITIVE_INFINITY : hi;
    int kept = 0;
    for (int i = 0; i < pendingCount; i++) {
      int r = pending[i];
      if (!all && !(maxT[r] < hi)) {
        pending[kept++] = r;
      } else {
        if (retiredCount == retired.length) {
          retired = Arrays.copyOf(retired, retiredCount * 2);
        }
        retired[retiredCount++] = r;
      }
    }
    pendingCount = kept;
    if (checkpoints == checkpointAt.length) {
      checkpointAt = Arrays.copyOf(checkpointAt, checkpoints * 2);
      retiredAt = Arrays.copyOf(retiredAt, checkpoints * 2);
    }
    retiredAt[checkpoints] = retiredCount;
    checkpointAt[checkpoints++] = frontier;
  }

  /**
   * Goes back to the last checkpoint at or before t: the requests retired after it are pending
   * again, and it is the last checkpoint.
   *
   * @return that checkpoint, for the curves to rewind to as well
   */
  int rewind(double t) {
    int k = checkpoints - 1;
    while (checkpointAt[k] > t) {
      k--;
    }
    checkpoints = k + 1;
    frontier = checkpointAt[k];
    // Those that left after checkpoint k have events at or after its frontier again.
    int back = retiredCount - retiredAt[k];
    if (pendingCount + back > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingCount + back, pending.length * 2));
    }
    System.arraycopy(retired, retiredAt[k], pending, pendingCount, back);
    pendingCount += back;
    retiredCount = retiredAt[k];
    Arrays.sort(pending, 0, pendingCount);
    return k;
  }

  /**
   * The requests that had retired by checkpoint k, which a compaction up to it forgets.
   *
   * @param size how many requests the columns hold
   */
  BitSet retiredBy(int k, int size) {
    BitSet gone = new BitSet(size);
    for (int i = 0; i < retiredAt[k]; i++) {
      gone.set(retired[i]);
    }
    return gone;
  }

  /**
   * Makes checkpoint k the first (where a rewind stops), once the columns have dropped the
   * requests {@link #retiredBy} it and renumbered the rest.
   *
   * @param renumbered each kept request's new index, by its old one
   */
  void compact(int k, int[] renumbered) {
    int drop = retiredAt[k];
    for (int i = 0; i < pendingCount; i++) {
      pending[i] = renumbered[pending[i]];
    }
    for (int i = drop; i < retiredCount; i++) {
      retired[i - drop] = renumbered[retired[i]];
    }
    retiredCount -= drop;
    checkpoints -= k;
    for (int j = 0; j < checkpoints; j++) {
      checkpointAt[j] = checkpointAt[j + k];
      retiredAt[j] = retiredAt[j + k] - drop;
    }
  }
}
