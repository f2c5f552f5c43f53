package io.aiperf.engine.internal.service;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The workers the timing manager sends credits to, by index in registration order: their credit
 * channels, how many requests each has in flight, which hold credits sent ahead, and which are
 * lost. New sessions go to the least loaded live worker. Fixed once the run starts.
 */
final class WorkerPool {
  private volatile String[] ids = new String[0];
  private volatile String[] channels = new String[0];
  /** Whether each worker holds credits sent ahead until their time. */
  private volatile boolean[] holding = new boolean[0];
  /** Requests in flight per worker: new sessions go to the least loaded. */
  private volatile AtomicIntegerArray load = new AtomicIntegerArray(0);
  /**
   * 1 for a lost worker. Atomic, not a plain array: the issuer puts a credit in flight and then
   * reads this, the loss handler writes this and then scans what is in flight, so one of the two
   * always sees the other and no credit to a lost worker is left unaccounted.
   */
  private volatile AtomicIntegerArray lost = new AtomicIntegerArray(0);
  private final AtomicInteger nextWorker = new AtomicInteger();

  /** Takes the run's workers, in registration order; none holds credits. */
  void assign(List<String> workerIds) {
    assign(workerIds, List.of());
  }

  /**
   * Takes the run's workers.
   *
   * @param workerIds the workers, in registration order
   * @param holdingIds those that hold credits sent ahead
   */
  void assign(List<String> workerIds, java.util.Collection<String> holdingIds) {
    int n = workerIds.size();
    String[] c = new String[n];
    boolean[] h = new boolean[n];
    for (int i = 0; i < n; i++) {
      c[i] = Messages.creditsFor(workerIds.get(i));
      h[i] = holdingIds.contains(workerIds.get(i));
    }
    load = new AtomicIntegerArray(n);
    lost = new AtomicIntegerArray(n);
    channels = c;
    holding = h;
    ids = workerIds.toArray(String[]::new);
  }

  /** Whether a worker holds credits sent ahead until their intended time. */
  boolean holds(int worker) {
    return holding[worker];
  }

  /** Whether any worker holds credits sent ahead. */
  boolean anyHolds() {
    for (boolean h : holding) {
      if (h) {
        return true;
      }
    }
    return false;
  }

  /** Whether no worker was assigned yet. */
  boolean isEmpty() {
    return ids.length == 0;
  }

  String id(int worker) {
    return ids[worker];
  }

  String channel(int worker) {
    return channels[worker];
  }

  /** The index of a worker, -1 when it is not one of the run's. */
  int indexOf(String workerId) {
    return Arrays.asList(ids).indexOf(workerId);
  }

  /**
   * The least loaded live worker, starting the scan at a rotating offset so ties spread evenly;
   * -1 when every worker is lost.
   */
  int pick() {
    String[] current = ids;
    int n = current.length;
    int start = Math.floorMod(nextWorker.getAndIncrement(), Math.max(1, n));
    int best = -1;
    int bestLoad = Integer.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      if (lost.get(i) != 0) {
        continue;
      }
      int l = load.get(i);
      if (l < bestLoad) {
        best = i;
        bestLoad = l;
        if (l == 0) {
          break;
        }
      }
    }
    return best;
  }

  /** Marks a worker lost; true only for the first caller, who then writes off its credits. */
  boolean markLost(int worker) {
    return lost.compareAndSet(worker, 0, 1);
  }

  /** Whether a worker is lost: a volatile read, ordered after the caller's put in flight. */
  boolean isLost(int worker) {
    return lost.get(worker) != 0;
  }

  /** A credit went to this worker. */
  void loaded(int worker) {
    load.incrementAndGet(worker);
  }

  /** A credit of this worker was settled. */
  void unloaded(int worker) {
    load.decrementAndGet(worker);
  }
}
