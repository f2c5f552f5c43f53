package io.aiperf.engine.internal.timing;

import io.aiperf.engine.internal.NanoClock;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pacing thread's priority over a run: real time while it keeps time cheaply, ordinary while
 * the client is at its ceiling. A real-time thread preempts every ordinary one, so it must stay
 * mostly idle: when it is not (it works more than half of a core for 200 ms, or its schedule
 * keeps slipping though no collection stopped it), the client is at its ceiling, and keeping the
 * priority only takes the CPU from the threads it waits for. Measured at 20,000 requests/s on two
 * cores: a quarter less throughput with the priority kept.
 *
 * <p>Giving it up is not for good: a warm-up's collections and compilations may make the
 * schedule slip early in a run that later keeps time easily (at 5,000 requests/s, the pacer
 * given up in the warm-up's first second read 2.8 ms at p99 over the profiled window, 0.11 ms
 * when it kept real time). So it asks again after
 * {@link #FIRST_RETRY_NANOS}, twice as long after each further give-up: at a true ceiling that
 * costs a second of real time now and then. Every change of priority starts a process
 * ({@code chrt}), run on another thread so that the schedule never waits for it. Used only by
 * the pacing thread.
 */
public final class RealtimePacing {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimePacing.class);

  /** The pacing thread's CPU time above this share of a window gives real time up. */
  static final double MAX_CPU_SHARE = 0.5;

  static final long CPU_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /**
   * Windows in a row above {@link #MAX_CPU_SHARE} that give real time up: after a stall the
   * backlog (up to {@code MAX_CATCHUP}) leaves at once, a burst of work within one window that
   * says nothing of the ceiling. Not a whole second: at 20,000 requests/s a pacer judged over a
   * second kept real time at about half a core, and the run reached 9,800-12,500 requests/s
   * against 13,500-15,200 with the priority given up within the first windows.
   */
  static final int BUSY_WINDOWS = 2;
  /** This many slips of the schedule within {@link #SLIP_WINDOW_NANOS} give real time up. */
  static final int SLIPS = 3;

  /** One slip is not enough: a young-generation GC pause stalls every thread every few seconds. */
  static final long SLIP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Real time is asked for again this long after it was first given up. */
  static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
  static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(32);

  /** What a change of priority reports to the pacing thread's owner. */
  public record Change(boolean realtime, String detail) {}

  private final NanoClock clock;
  private final CpuClock cpu;
  private final LongSupplier pauseNanos;
  private final ThreadPriorities priorities;
  private final Executor changer;
  private final Pacer ordinaryPacer;
  private Pacer realtimePacer;
  private Pacer pacer;
  private boolean realtime;
  /** Real time was granted once: it may be asked for again after a give-up. */
  private boolean retry;
  private int tid = -1;
  private final long[] slips = new long[SLIPS];
  private int slipCount;
  private long windowStart;
  private long windowStartCpu;
  private long windowStartPauses;
  private int busyWindows;
  private long retryAt = Long.MAX_VALUE;
  private long retryAfter = FIRST_RETRY_NANOS;
  /** Written by the thread that ran chrt, read by the pacing thread after each wait. */
  private volatile RealtimePriority.@Nullable Grant raised;

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
    this(pacer, clock, threadCpu(), RealtimePacing::collectionPauseNanos, ThreadPriorities.SYSTEM,
        command -> {
          Thread thread = new Thread(command, "aiperf-pacing-priority");
          thread.setDaemon(true);
          thread.start();
        });
  }

  RealtimePacing(Pacer pacer, NanoClock clock, CpuClock cpu, LongSupplier pauseNanos,
      ThreadPriorities priorities, Executor changer) {
    this.pacer = pacer;
    this.ordinaryPacer = pacer;
    this.realtimePacer = pacer;
    this.clock = clock;
    this.cpu = cpu;
    this.pauseNanos = pauseNanos;
    this.priorities = priorities;
    this.changer = changer;
  }

  private static CpuClock threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : () -> -1;
  }

  /**
   * Time the collectors stopped the JVM, in total: young and full collections. Concurrent
   * cycles' beans (ZGC's, G1's since JDK 20) report time the threads ran, and are left out.
   */
  static long collectionPauseNanos() {
    long millis = 0;
    for (GarbageCollectorMXBean gc : PAUSING_COLLECTORS) {
      millis += Math.max(0, gc.getCollectionTime());
    }
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** Looked up once: read every 100 ms on the pacing thread, between a wait and a send. */
  private static final List<GarbageCollectorMXBean> PAUSING_COLLECTORS =
      ManagementFactory.getGarbageCollectorMXBeans().stream()
          .filter(gc -> !gc.getName().contains("Cycles") && !gc.getName().contains("Concurrent"))
          .toList();

  /** Above the I/O threads (the client's with {@code --realtime-io}, and the mock's). */
  static final int PRIORITY = RealtimePriority.ABOVE_IO_PRIORITY;

  /**
   * Asks for real-time priority for the calling thread (the pacing thread, before its first
   * wait). Starts a process: never on a timing path.
   *
   * @return what it got
   */
  public RealtimePriority.Grant start() {
    int self = RealtimePriority.ownTid();
    return granted(
        self < 0 ? RealtimePriority.raiseCurrentThread() : priorities.raise(self, PRIORITY),
        self);
  }

  /**
   * Takes a grant (the system's answer, or a test's).
   *
   * @param self the pacing thread's id in the kernel, -1 if unknown (then it is never changed)
   */
  RealtimePriority.Grant granted(RealtimePriority.Grant grant, int self) {
    tid = self;
    if (grant.granted() && self >= 0) {
      realtimePacer = ordinaryPacer.forRealtimeThread();
      retry = true;
      becomeRealtime(clock.nanoTime());
    }
    return grant;
  }

  private void becomeRealtime(long now) {
    realtime = true;
    pacer = realtimePacer;
    windowStart = now;
    windowStartCpu = cpu.threadCpuNanos();
    windowStartPauses = pauseNanos.getAsLong();
    slipCount = 0;
    busyWindows = 0;
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
   * behind, asks for it again later, and says when either happened.
   *
   * @param now the clock's time after the wait (the caller has just read it)
   * @param slipNanos how far the schedule slipped at this send (moved later), 0 if it did not
   * @return the change of priority made just now, or null if there was none
   */
  public @Nullable Change afterWait(long now, long slipNanos) {
    if (!realtime) {
      return retry ? retried(now) : null;
    }
    if (slipNanos > 0 && !pausedFor(slipNanos)) {
      slips[slipCount % SLIPS] = now;
      slipCount++;
      long oldestOfTheLast = slips[slipCount % SLIPS]; // this one included
      if (slipCount >= SLIPS && now - oldestOfTheLast <= SLIP_WINDOW_NANOS) {
        return giveUp(now, String.format(Locale.ROOT, "the schedule slipped %d times within a"
            + " second, the last by %.1f ms, with no collection pause to explain it", SLIPS,
            slipNanos / 1e6));
      }
    }
    if (now - windowStart >= CPU_WINDOW_NANOS) {
      long used = cpu.threadCpuNanos();
      double share = (double) (used - windowStartCpu) / (now - windowStart);
      windowStart = now;
      windowStartCpu = used;
      windowStartPauses = pauseNanos.getAsLong();
      busyWindows = used >= 0 && share > MAX_CPU_SHARE ? busyWindows + 1 : 0;
      if (busyWindows >= BUSY_WINDOWS) {
        return giveUp(now, String.format(Locale.ROOT, "the pacing thread used %.0f%% of a core"
            + " for %d ms", share * 100,
            TimeUnit.NANOSECONDS.toMillis(BUSY_WINDOWS * CPU_WINDOW_NANOS)));
      }
    }
    return null;
  }

  /** Whether the JVM's collectors stopped it for most of this slip since the window began. */
  private boolean pausedFor(long slipNanos) {
    return pauseNanos.getAsLong() - windowStartPauses >= slipNanos / 2;
  }

  private Change giveUp(long now, String because) {
    realtime = false;
    pacer = ordinaryPacer;
    retryAt = now + retryAfter;
    String again = String.format(Locale.ROOT, "; asked for again in %d s",
        TimeUnit.NANOSECONDS.toSeconds(retryAfter));
    retryAfter = Math.min(MAX_RETRY_NANOS, retryAfter * 2);
    int self = tid;
    changer.execute(() -> {
      RealtimePriority.Grant lowered = priorities.lower(self);
      if (!lowered.granted()) {
        LOG.warn(
            "The pacing thread could not return to ordinary priority: {}", lowered.detail());
      }
    });
    return new Change(false, "was given up: " + because + ", so the client is at its ceiling"
        + again);
  }

  /** While ordinary: asks for real time once the retry is due, and takes it once granted. */
  private @Nullable Change retried(long now) {
    RealtimePriority.Grant answer = raised;
    if (answer != null) {
      raised = null;
      if (answer.granted()) {
        becomeRealtime(now);
        return new Change(true, "was taken again (" + answer.detail() + ")");
      }
      retry = false;
      return new Change(false, "could not be taken again: " + answer.detail());
    }
    if (now >= retryAt) {
      retryAt = Long.MAX_VALUE;
      int self = tid;
      changer.execute(() -> raised = priorities.raise(self, PRIORITY));
    }
    return null;
  }
}
