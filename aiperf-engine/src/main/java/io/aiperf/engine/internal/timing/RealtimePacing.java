package io.aiperf.engine.internal.timing;

import io.aiperf.engine.internal.NanoClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The pacing thread's priority over a run: real time while it keeps time cheaply, ordinary once
 * the client is at its ceiling. A real-time thread preempts every ordinary one, so it must stay
 * mostly idle: when it is not (it works more than half of a core, or its schedule keeps slipping
 * even so), the client is at its ceiling, and keeping the priority only takes the CPU from the
 * threads it waits for. Measured at 20,000 requests/s on two cores: a quarter less throughput
 * with the priority kept. Used only by the pacing thread.
 */
public final class RealtimePacing {
  /** The pacing thread's CPU time above this share of a window gives real time up. */
  static final double MAX_CPU_SHARE = 0.5;

  static final long CPU_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** This many slips of the schedule within {@link #SLIP_WINDOW_NANOS} give real time up. */
  static final int SLIPS = 3;

  /** One slip is not enough: a young-generation GC pause stalls every thread every few seconds. */
  static final long SLIP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final NanoClock clock;
  private final CpuClock cpu;
  private Pacer pacer;
  private @Nullable Pacer ordinary;
  private final long[] slips = new long[SLIPS];
  private int slipCount;
  private long windowStart;
  private long windowStartCpu;

  /** The calling thread's CPU time, in nanoseconds. */
  @FunctionalInterface
  interface CpuClock {
    long threadCpuNanos();
  }

  /**
   * Starts with an ordinary thread.
   *
   * @param pacer the pacer for an ordinary thread
   * @param clock the clock the schedule is kept on
   */
  public RealtimePacing(Pacer pacer, NanoClock clock) {
    this(pacer, clock, threadCpu());
  }

  RealtimePacing(Pacer pacer, NanoClock clock, CpuClock cpu) {
    this.pacer = pacer;
    this.clock = clock;
    this.cpu = cpu;
  }

  private static CpuClock threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : () -> -1;
  }

  /**
   * Asks for real-time priority for the calling thread (the pacing thread, before its first
   * wait). Starts a process: never on a timing path.
   *
   * @return what it got
   */
  public RealtimePriority.Grant start() {
    return granted(RealtimePriority.raiseCurrentThread());
  }

  /** Takes a grant (the system's answer, or a test's). */
  RealtimePriority.Grant granted(RealtimePriority.Grant grant) {
    if (grant.granted()) {
      ordinary = pacer;
      pacer = pacer.forRealtimeThread();
      windowStart = clock.nanoTime();
      windowStartCpu = cpu.threadCpuNanos();
    }
    return grant;
  }

  /**
   * The pacer for the thread as it is now.
   *
   * @return the pacer
   */
  public Pacer pacer() {
    return pacer;
  }

  /**
   * Called after each wait; gives real time up when the thread works too much or keeps falling
   * behind, and then says why.
   *
   * @param now the clock's time after the wait (the caller has just read it)
   * @param slipNanos how far the schedule slipped at this send (moved later), 0 if it did not
   * @return why real time was given up just now, or null if it was not
   */
  public @Nullable String afterWait(long now, long slipNanos) {
    if (ordinary == null) {
      return null;
    }
    if (slipNanos > 0) {
      slips[slipCount % SLIPS] = now;
      slipCount++;
      long oldestOfTheLast = slips[slipCount % SLIPS]; // this one included
      if (slipCount >= SLIPS && now - oldestOfTheLast <= SLIP_WINDOW_NANOS) {
        return giveUp(String.format(Locale.ROOT, "the schedule slipped %d times within a second,"
            + " the last by %.1f ms", SLIPS, slipNanos / 1e6));
      }
    }
    if (now - windowStart >= CPU_WINDOW_NANOS) {
      long used = cpu.threadCpuNanos();
      double share = (double) (used - windowStartCpu) / (now - windowStart);
      windowStart = now;
      windowStartCpu = used;
      if (used >= 0 && share > MAX_CPU_SHARE) {
        return giveUp(String.format(Locale.ROOT, "the pacing thread used %.0f%% of a core",
            share * 100));
      }
    }
    return null;
  }

  private String giveUp(String because) {
    pacer = java.util.Objects.requireNonNull(ordinary, "given up only while real time");
    ordinary = null;
    RealtimePriority.Grant lowered = RealtimePriority.lowerCurrentThread();
    return "was given up: " + because + ", so the client is at its ceiling"
        + (lowered.granted() ? "" : " (returning to ordinary priority failed: "
            + lowered.detail() + ")");
  }
}
