package io.aiperf.engine.internal.service;

import io.aiperf.engine.internal.NanoClock;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timing manager's own thread: credit returns, first tokens and timed session steps (a
 * session's next turn, a user's next session) run here, one at a time. Any thread hands it work
 * with a lock-free offer: an I/O thread returning a credit does nothing else. Settling (slots,
 * sessions, the next turn) happens here, off the loops.
 *
 * <p>Waking this thread is a system call, and at 20,000 returns a second one per return cost the
 * I/O threads more than the settle itself did. So a return wakes it only when someone waits for a
 * settle (a free slot, the end of a phase); otherwise it sleeps at most {@link #LAZY_NANOS} and
 * settles what came meanwhile in one batch. Timed steps always wake it.
 *
 * <p>Timers live in a heap that only this thread touches; their deadlines are real time, so a
 * test clock that stands still does not stop them.
 */
final class CreditLoop implements Executor {
  private static final Logger log = LoggerFactory.getLogger(CreditLoop.class);

  private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  /** Touched only by this loop's thread. */
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private final NanoClock realTime = NanoClock.SYSTEM;
  /** How long returns nobody waits for may sit before they are settled. */
  static final long LAZY_NANOS = 1_000_000;

  private final Thread thread;
  /** Whether a return must be settled at once, because a thread waits for it. */
  private final BooleanSupplier urgent;
  private volatile boolean sleeping;
  private volatile boolean stopped;
  /** Touched only by this loop's thread: equal deadlines run in the order they were set. */
  private long sequence;

  private record Timed(long due, long sequence, Runnable action) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  CreditLoop(String name, BooleanSupplier urgent) {
    this.urgent = urgent;
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Ends the thread; work not yet run is dropped, as the run is over. */
  void stop() {
    stopped = true;
    LockSupport.unpark(thread);
  }

  /** Wakes the thread to settle what it holds now, if anything: someone started waiting. */
  void wake() {
    if (sleeping && !inbox.isEmpty()) {
      LockSupport.unpark(thread);
    }
  }

  /** Hands over a return or a first token: settled at once if someone waits, else soon. */
  @Override
  public void execute(Runnable task) {
    inbox.offer(task);
    if (sleeping && urgent.getAsBoolean()) {
      LockSupport.unpark(thread);
    }
  }

  /** Hands over work that must run at once. */
  private void executeNow(Runnable task) {
    inbox.offer(task);
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  /** Runs an action on this thread once {@code delayNanos} of real time have passed. */
  void schedule(long delayNanos, Runnable action) {
    long due = realTime.nanoTime() + Math.max(0, delayNanos);
    if (Thread.currentThread() == thread) {
      timers.add(new Timed(due, sequence++, action));
    } else {
      executeNow(() -> timers.add(new Timed(due, sequence++, action)));
    }
  }

  private void run() {
    while (!stopped) {
      for (Runnable task = inbox.poll(); task != null && !stopped; task = inbox.poll()) {
        runSafely(task);
      }
      for (Timed t = timers.peek(); t != null && !stopped && t.due() <= realTime.nanoTime();
          t = timers.peek()) {
        timers.poll();
        runSafely(t.action());
      }
      // Announce the sleep, then look once more: an offer either sees the flag and unparks, or
      // lands before this look and is found.
      sleeping = true;
      if (inbox.isEmpty() && !stopped) {
        Timed next = timers.peek();
        long wait = next == null ? LAZY_NANOS
            : Math.min(LAZY_NANOS, next.due() - realTime.nanoTime());
        if (wait > 0) {
          LockSupport.parkNanos(this, wait);
        }
      }
      sleeping = false;
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("Settling credits failed: {}", e.toString(), e);
    }
  }
}
