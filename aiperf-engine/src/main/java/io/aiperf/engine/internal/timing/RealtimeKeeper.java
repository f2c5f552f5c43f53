package io.aiperf.engine.internal.timing;

import static io.aiperf.engine.internal.timing.RealtimeThreads.BURST_SHARE;
import static io.aiperf.engine.internal.timing.RealtimeThreads.GIVE_UP_SHARE;
import static io.aiperf.engine.internal.timing.RealtimeThreads.MACHINE_BUSY;
import static io.aiperf.engine.internal.timing.RealtimeThreads.MACHINE_BUSY_OWN_SHARE;
import static io.aiperf.engine.internal.timing.RealtimeThreads.MACHINE_QUIET;
import static io.aiperf.engine.internal.timing.RealtimeThreads.PROCESS_BUSY;
import static io.aiperf.engine.internal.timing.RealtimeThreads.PROCESS_QUIET;
import static io.aiperf.engine.internal.timing.RealtimeThreads.QUIET_WINDOWS;
import static io.aiperf.engine.internal.timing.RealtimeThreads.RETURN_SHARE;
import static io.aiperf.engine.internal.timing.RealtimeThreads.TOTAL_SHARE;
import static io.aiperf.engine.internal.timing.RealtimeThreads.WINDOW_NANOS;

import io.aiperf.engine.internal.NanoClock;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper: raises new threads, watches their CPU share, lowers and raises them again. Its
 * decisions ({@link #window}) take the CPU times as arguments so tests drive them directly.
 */
final class RealtimeKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeKeeper.class);

  /** One watched thread; touched only by the keeper's thread after it is queued. */
  static final class Watched {
    final Thread thread;
    final int tid;
    final int priority;
    boolean realtime;
    long windowCpu = -1;
    /**
     * How long after its window began its CPU time was read: lowering a thread runs {@code chrt},
     * which on a busy machine takes long, so the threads after it are read later.
     */
    long readDelayNanos;
    /** Its share of a core in the last window. */
    double share;
    /** Its shares in the last {@link RealtimeThreads#QUIET_WINDOWS} windows, a ring. */
    final double[] recent = new double[QUIET_WINDOWS];
    private int next;
    int quietWindows;

    void add(double windowShare) {
      share = windowShare;
      recent[next] = windowShare;
      next = (next + 1) % recent.length;
    }

    /** The average share over the last second; a thread younger than that did nothing before. */
    double second() {
      double sum = 0;
      for (double r : recent) {
        sum += r;
      }
      return sum / recent.length;
    }

    Watched(Thread thread, int tid, int priority) {
      this.thread = thread;
      this.tid = tid;
      this.priority = priority;
    }
  }

  /** Reads a thread's CPU time; -1 when it cannot. */
  @FunctionalInterface
  interface CpuTimes {
    long cpuNanos(Thread thread);
  }

  private final ThreadPriorities priorities;
  private final CpuTimes cpu;
  private final LongSupplier readClock;
  private final ConcurrentLinkedQueue<Watched> arrivals = new ConcurrentLinkedQueue<>();
  private final List<Watched> watched = new ArrayList<>();
  private final Object startLock = new Object();
  private @Nullable Thread thread;
  /** Logged once per JVM: every later thread would be refused for the same reason. */
  private boolean refusalLogged;

  private final int cores;
  /** This process's work less the JIT compilers', in cores over the last second. */
  private final SecondAverage process;
  /** Every process's work on this machine, in cores over the last second. */
  private final SecondAverage machine;
  /** Set by {@link #freshStart}, handled by the keeper's thread at its next window. */
  private volatile boolean fresh;
  /** Whether the machine's ceiling lowers the threads: in closed loops only; set by the load. */
  private volatile boolean machineRule;

  RealtimeKeeper(ThreadPriorities priorities, ThreadMXBean threads, LongSupplier processWork,
      LongSupplier machineWork, int cores) {
    this(priorities, threads.isThreadCpuTimeSupported()
        ? t -> t.isAlive() ? threads.getThreadCpuTime(t.getId()) : -1 : t -> -1,
        processWork, machineWork, cores, NanoClock.SYSTEM::nanoTime);
  }

  /**
   * A keeper whose reads take no time: CPU times given by the caller, window by window.
   *
   * @param machineWork every process's CPU time on the machine; -1 when unknown
   */
  RealtimeKeeper(ThreadPriorities priorities, CpuTimes cpu, LongSupplier processWork,
      LongSupplier machineWork, int cores) {
    this(priorities, cpu, processWork, machineWork, cores, () -> 0L);
  }

  /**
   * @param readClock when each thread's CPU time is read, to time it over its own interval
   */
  RealtimeKeeper(ThreadPriorities priorities, CpuTimes cpu, LongSupplier processWork,
      LongSupplier machineWork, int cores, LongSupplier readClock) {
    this.priorities = priorities;
    this.cpu = cpu;
    this.process = new SecondAverage(processWork);
    this.machine = new SecondAverage(machineWork);
    this.cores = Math.max(1, cores);
    this.readClock = readClock;
  }

  /** A CPU-time counter's rate, in cores, averaged over the last second's windows. */
  private static final class SecondAverage {
    private final LongSupplier counter;
    private final double[] recent = new double[QUIET_WINDOWS];
    private int at;
    private long last = -1;
    /** Whether the counter could be read at all: an unknown rate breaks no rule. */
    private boolean known;

    SecondAverage(LongSupplier counter) {
      this.counter = counter;
    }

    double next(long elapsedNanos) {
      long now = counter.getAsLong();
      if (now >= 0 && last >= 0) {
        recent[at] = (double) (now - last) / Math.max(1, elapsedNanos);
        at = (at + 1) % recent.length;
        known = true;
      }
      last = now;
      double sum = 0;
      for (double r : recent) {
        sum += r;
      }
      return sum / recent.length;
    }

    boolean known() {
      return known;
    }

    void forget() {
      Arrays.fill(recent, 0);
      last = -1;
    }
  }

  /**
   * Asks the keeper to forget what it read so far and raise the threads it lowered.
   *
   * @param closedLoop whether the machine's ceiling counts too ({@link RealtimeThreads#loadStarts})
   */
  void freshStart(boolean closedLoop) {
    machineRule = closedLoop;
    fresh = true;
    Thread keeper;
    synchronized (startLock) {
      keeper = thread;
    }
    if (keeper != null) {
      LockSupport.unpark(keeper);
    }
  }

  private void forgetHistory() {
    fresh = false;
    process.forget();
    machine.forget();
    for (Watched w : watched) {
      Arrays.fill(w.recent, 0);
      w.quietWindows = 0;
      if (!w.realtime) {
        w.realtime = priorities.raise(w.tid, w.priority).granted();
        if (w.realtime) {
          LOG.debug("{} runs at real-time priority again: the load starts", w.thread.getName());
        }
      }
    }
  }

  /** Called by a thread as it starts; the keeper raises it shortly after. */
  void started(Thread t, int tid, int priority) {
    if (queued(t, tid, priority)) {
      wake();
    }
  }

  /** Queues a thread for the next {@link #admit}; false for a thread with no kernel id. */
  boolean queued(Thread t, int tid, int priority) {
    if (tid < 0) {
      return false;
    }
    arrivals.add(new Watched(t, tid, priority));
    return true;
  }

  private void wake() {
    Thread keeper;
    synchronized (startLock) {
      keeper = thread;
      if (keeper == null) {
        keeper = new Thread(this::keep, "aiperf-realtime-keeper");
        keeper.setDaemon(true);
        thread = keeper;
        keeper.start();
      }
    }
    LockSupport.unpark(keeper);
  }

  private void keep() {
    RealtimePriority.Grant own =
        priorities.raise(RealtimePriority.ownTid(), RealtimePriority.ABOVE_IO_PRIORITY);
    if (!own.granted()) {
      LOG.debug("The real-time keeper runs as an ordinary thread: real-time priority {}",
          own.detail());
    }
    long last = NanoClock.SYSTEM.nanoTime();
    while (true) {
      admit();
      long now = NanoClock.SYSTEM.nanoTime();
      window(now - last);
      last = now;
      LockSupport.parkNanos(WINDOW_NANOS);
    }
  }

  /** Raises the threads that started since the last window. */
  void admit() {
    Watched w;
    while ((w = arrivals.poll()) != null) {
      RealtimePriority.Grant grant = priorities.raise(w.tid, w.priority);
      if (grant.granted()) {
        w.realtime = true;
        w.windowCpu = cpu.cpuNanos(w.thread);
        watched.add(w);
        LOG.debug("{} runs at real-time priority", w.thread.getName());
      } else if (!refusalLogged) {
        refusalLogged = true;
        LOG.info("I/O threads run as ordinary threads: real-time priority {}; their stamps may"
            + " be late by the scheduler's delays on a busy machine", grant.detail());
      }
    }
  }

  /**
   * One window's decisions for every watched thread; forgets those that ended.
   *
   * @param elapsedNanos how long the window lasted (the keeper may wake late, or spend
   *     milliseconds raising new threads)
   */
  void window(long elapsedNanos) {
    long began = readClock.getAsLong();
    if (fresh) {
      forgetHistory();
    }
    double processCores = process.next(elapsedNanos);
    // The machine's work counts in closed loops only: an open loop does not read /proc/stat.
    boolean machineCounts = machineRule;
    double machineCores = machineCounts ? machine.next(elapsedNanos) : 0;
    String busy = null;
    if (processCores > PROCESS_BUSY * cores) {
      busy = "this process worked " + String.format(Locale.ROOT, "%.1f", processCores) + " of "
          + cores + " cores for a second";
    } else if (machineCounts && machine.known() && machineCores > MACHINE_BUSY * cores
        && processCores >= MACHINE_BUSY_OWN_SHARE * cores) {
      busy = "this machine's processes worked " + String.format(Locale.ROOT, "%.1f",
          machineCores) + " of its " + cores + " cores for a second";
    }
    boolean quiet = processCores < PROCESS_QUIET * cores
        && (!machineCounts || !machine.known() || machineCores < MACHINE_QUIET * cores);
    double realtimeShare = 0;
    for (var it = watched.iterator(); it.hasNext(); ) {
      Watched w = it.next();
      long now = cpu.cpuNanos(w.thread);
      if (now < 0) {
        it.remove();
        continue;
      }
      // Over the time between its two reads, not the window's: a read made late (after
      // another thread's chrt) divided by the window read 542 % of a core once.
      long readDelay = readClock.getAsLong() - began;
      w.add((double) (now - w.windowCpu)
          / Math.max(1, elapsedNanos + readDelay - w.readDelayNanos));
      w.windowCpu = now;
      w.readDelayNanos = readDelay;
      if (w.realtime && busy != null) {
        lower(w, busy);
      } else if (w.realtime && w.share > BURST_SHARE) {
        lower(w, "it worked " + percent(w.share) + " of a core for " + WINDOW_NANOS / 1_000_000
            + " ms");
      } else if (w.realtime && w.second() > GIVE_UP_SHARE) {
        lower(w, "it worked " + percent(w.second()) + " of a core for a second");
      } else if (w.realtime) {
        realtimeShare += w.second();
      } else {
        w.quietWindows = w.share < RETURN_SHARE ? w.quietWindows + 1 : 0;
      }
    }
    // Each below its own limit, together they may still take too much from ordinary threads.
    while (realtimeShare > TOTAL_SHARE) {
      Watched busiest = null;
      for (Watched w : watched) {
        if (w.realtime && (busiest == null || w.second() > busiest.second())) {
          busiest = w;
        }
      }
      if (busiest == null) {
        break;
      }
      lower(busiest, "the real-time threads together worked " + percent(realtimeShare)
          + " of a core for a second");
      realtimeShare -= busiest.second();
    }
    for (Watched w : watched) {
      if (!w.realtime && w.quietWindows >= QUIET_WINDOWS && quiet
          && realtimeShare + w.second() <= TOTAL_SHARE) {
        w.realtime = priorities.raise(w.tid, w.priority).granted();
        w.quietWindows = 0;
        if (w.realtime) {
          realtimeShare += w.second();
          LOG.debug("{} runs at real-time priority again: it worked {} of a core for a second",
              w.thread.getName(), percent(w.second()));
        }
      }
    }
  }

  private void lower(Watched w, String because) {
    // Should lowering fail, the thread is forgotten as real-time anyway: it is not raised again.
    priorities.lower(w.tid);
    w.realtime = false;
    w.quietWindows = 0;
    LOG.debug("{} gave real-time priority up: {}", w.thread.getName(), because);
  }

  /** Whether a thread is real-time now, as far as the keeper knows (tests). */
  boolean isRealtime(Thread t) {
    return watched.stream().anyMatch(w -> w.thread == t && w.realtime);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }
}
