package io.aiperf.engine.internal.timing;

import io.aiperf.engine.internal.NanoClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that stamp what they read (event loops, the client's and the mock's) at real-time
 * priority while they are mostly idle, and ordinary ones while they are busy.
 *
 * <p>Why: on two busy cores an ordinary thread woken by a readable socket waits for the scheduler
 * to judge it fair, milliseconds at p99, and every stamp it takes is that late. Measured with the
 * README's accuracy command against a mock in another JVM (c32, 2,000 streamed requests): the p99
 * of the difference between the client's TTFT and the mock's own was 3.8-4.9 ms with ordinary
 * threads, 0.5-0.6 ms with both sides' I/O threads real-time.
 *
 * <p>A real-time thread preempts every ordinary one, so a busy one starves the threads it feeds
 * (record processors, the server on the same machine): at the client's ceiling real time only
 * costs throughput. One keeper thread per JVM (itself
 * real-time, one step higher, so that it runs even when the threads it watches take every core)
 * asks for the priority once a thread has started, reads each thread's CPU time every
 * {@link #WINDOW_NANOS}, gives the priority up for a thread that worked more than
 * {@link #BURST_SHARE} of a core in a window or {@link #GIVE_UP_SHARE} over a second, and for the
 * busiest ones while all of them together worked more than {@link #TOTAL_SHARE} over a second;
 * it asks again once a thread has worked less than {@link #RETURN_SHARE} for
 * {@link #QUIET_WINDOWS} windows in a row, if the total allows. A burst shorter than a second
 * (a wave of new connections) keeps the priority: that is when stamps are most at risk.
 * Every change starts a process ({@code chrt}): it is done by the keeper, never by the thread
 * itself, so the thread's loop never waits for it.
 */
public final class RealtimeThreads {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeThreads.class);

  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** A window above this gives real time up at once: the thread is saturated. */
  static final double BURST_SHARE = 0.9;
  /** A second ({@link #QUIET_WINDOWS} windows) above this on average gives it up too. */
  static final double GIVE_UP_SHARE = 0.5;
  /** The real-time threads of this JVM together, on average over a second. */
  static final double TOTAL_SHARE = 0.9;
  static final double RETURN_SHARE = 0.25;
  /**
   * This process working more than this share of the machine's cores over a second (JIT
   * compilers left out) gives every thread's real time up: the client is near its ceiling,
   * where real-time threads that preempt the threads they feed at every packet cost throughput
   * even while each works less than half a core (at the non-streaming ceiling against a static
   * server: 71 µs of CPU per request with ordinary I/O threads, 117-149 µs with real-time ones;
   * the process then works nearly every core). Not half the cores: at 5,000 requests/s against
   * the mock in another JVM the client works 1.0-1.1 of 2 cores while each I/O thread works a
   * third of one, and lowering them there made the requests leave 3-5 ms late at p99 instead of
   * 0.1-0.2 ms.
   */
  static final double PROCESS_BUSY = 0.75;
  /**
   * Real time comes back only while the process works less than this share of the cores: at
   * 5,000 requests/s the client works 1.0-1.1 of 2 cores, and a thread lowered by a burst
   * (a warm-up's first second) must get it back there.
   */
  static final double PROCESS_QUIET = 0.6;
  static final int QUIET_WINDOWS = 10;

  private static final Keeper KEEPER = new Keeper(new SystemPriorities(),
      ManagementFactory.getThreadMXBean(), RealtimeThreads::processWorkNanos,
      Runtime.getRuntime().availableProcessors());

  private RealtimeThreads() {}

  /**
   * The priority of a server's threads (the mock's): real time, so that its own stamps are
   * taken at once, yet below the client's. On one machine the client's stamps are what is
   * measured, and SCHED_FIFO never shares a CPU between equals: at equal priority a client's
   * I/O thread woken by its socket would wait while the mock's threads work off a burst (after
   * the mock's own collection pause, say) on both CPUs.
   */
  public static final int SERVER_PRIORITY = RealtimePriority.PRIORITY - 5;

  /**
   * Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... that ask for real-time
   * priority as they start and are watched by the keeper from then on.
   *
   * @param prefix the threads' name prefix
   * @return the factory
   */
  public static ThreadFactory factory(String prefix) {
    return factory(prefix, RealtimePriority.PRIORITY);
  }

  /**
   * As {@link #factory(String)}, at a given real-time priority.
   *
   * @param prefix the threads' name prefix
   * @param priority the real-time priority, 1 to 99
   * @return the factory
   */
  public static ThreadFactory factory(String prefix, int priority) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(() -> {
        KEEPER.started(Thread.currentThread(), RealtimePriority.ownTid(), priority);
        r.run();
      }, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A run's load starts now: judge the threads afresh. What the process did before (the
   * in-process client warm-up, which is its own server; building and tokenizing the dataset)
   * is start-up work, not the load, yet it keeps this process above {@link #PROCESS_BUSY} for
   * seconds and so took real time from the I/O threads just as a cold run's first requests were
   * timed (measured: lowered during the warm-up, back a second into the run). Threads lowered
   * by then get the priority back; the rules lower them again within a second should the load
   * itself be at the client's ceiling.
   */
  public static void loadStarts() {
    KEEPER.freshStart();
  }

  /**
   * The CPU time of this process less the JIT compilers' (they are busy in a young JVM whatever
   * the load, and are not the work real time would take CPU from); -1 when it cannot be read.
   */
  static long processWorkNanos() {
    if (!(ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os)) {
      return -1;
    }
    long cpu = os.getProcessCpuTime();
    long compiling = Math.max(0, JitCpu.nanos());
    return cpu < 0 ? -1 : Math.max(0, cpu - compiling);
  }

  /** Changes a thread's scheduling class: {@code chrt} in production, a record in tests. */
  interface Priorities {
    RealtimePriority.Grant raise(int tid, int priority);

    RealtimePriority.Grant lower(int tid);
  }

  private static final class SystemPriorities implements Priorities {
    @Override
    public RealtimePriority.Grant raise(int tid, int priority) {
      return RealtimePriority.raise(tid, priority);
    }

    @Override
    public RealtimePriority.Grant lower(int tid) {
      return RealtimePriority.lower(tid);
    }
  }

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
    /** Its shares in the last {@link #QUIET_WINDOWS} windows, a ring. */
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

  /**
   * The keeper: raises new threads, watches their CPU share, lowers and raises them again. Its
   * decisions ({@link #window}) take the CPU times as arguments so tests drive them directly.
   */
  static final class Keeper {
    private final Priorities priorities;
    private final CpuTimes cpu;
    private final LongSupplier readClock;
    private final ConcurrentLinkedQueue<Watched> arrivals = new ConcurrentLinkedQueue<>();
    private final List<Watched> watched = new ArrayList<>();
    private final Object startLock = new Object();
    private @Nullable Thread thread;
    /** Logged once per JVM: every later thread would be refused for the same reason. */
    private boolean refusalLogged;

    private final LongSupplier processWork;
    private final int cores;
    /** The process's work in the last {@link #QUIET_WINDOWS} windows, in cores, a ring. */
    private final double[] processRecent = new double[QUIET_WINDOWS];
    private int processNext;
    private long processLast = -1;
    /** Set by {@link #freshStart}, handled by the keeper's thread at its next window. */
    private volatile boolean fresh;

    Keeper(Priorities priorities, ThreadMXBean threads, LongSupplier processWork, int cores) {
      this(priorities, threads.isThreadCpuTimeSupported()
          ? t -> t.isAlive() ? threads.getThreadCpuTime(t.getId()) : -1 : t -> -1,
          processWork, cores, NanoClock.SYSTEM::nanoTime);
    }

    /** A keeper whose reads take no time: CPU times given by the caller, window by window. */
    Keeper(Priorities priorities, CpuTimes cpu, LongSupplier processWork, int cores) {
      this(priorities, cpu, processWork, cores, () -> 0L);
    }

    /**
     * @param readClock when each thread's CPU time is read, to time it over its own interval
     */
    Keeper(Priorities priorities, CpuTimes cpu, LongSupplier processWork, int cores,
        LongSupplier readClock) {
      this.priorities = priorities;
      this.cpu = cpu;
      this.processWork = processWork;
      this.cores = Math.max(1, cores);
      this.readClock = readClock;
    }

    /** How many cores the process worked on average over the last second. */
    private double processSecond(long elapsedNanos) {
      long now = processWork.getAsLong();
      if (now >= 0 && processLast >= 0) {
        processRecent[processNext] = (double) (now - processLast) / Math.max(1, elapsedNanos);
        processNext = (processNext + 1) % processRecent.length;
      }
      processLast = now;
      double sum = 0;
      for (double r : processRecent) {
        sum += r;
      }
      return sum / processRecent.length;
    }

    /** Asks the keeper to forget what it read so far and raise the threads it lowered. */
    void freshStart() {
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
      Arrays.fill(processRecent, 0);
      processLast = -1;
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
      double process = processSecond(elapsedNanos);
      boolean busy = process > PROCESS_BUSY * cores;
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
        if (w.realtime && busy) {
          lower(w, "this process worked " + String.format(Locale.ROOT, "%.1f", process)
              + " of " + cores + " cores for a second");
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
        if (!w.realtime && w.quietWindows >= QUIET_WINDOWS && process < PROCESS_QUIET * cores
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
}
