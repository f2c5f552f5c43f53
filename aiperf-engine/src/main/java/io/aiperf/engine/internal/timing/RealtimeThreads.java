package io.aiperf.engine.internal.timing;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Every change starts a process ({@code chrt}): it is done by the keeper ({@link RealtimeKeeper}),
 * never by the thread itself, so the thread's loop never waits for it.
 */
public final class RealtimeThreads {
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
  /**
   * In a closed loop ({@link #loadStarts}), every process on the machine together working more
   * than this share of its cores over a second gives every thread's real time up too: the
   * client is at its ceiling though it works less than {@link #PROCESS_BUSY} of the cores,
   * because a server on the same machine takes the rest. Against the static server,
   * non-streaming, the client worked about 1.3 of 2 cores at 10,300 requests/s and kept its
   * threads real-time: 116-126 µs of CPU per request against 60-72 µs with ordinary ones
   * (0.40-0.43x wrk's rate against 0.59-0.65x).
   */
  static final double MACHINE_BUSY = 0.9;
  /**
   * ... and only while this process (JIT compilers left out) works at least this share of the
   * cores itself: a machine filled by others (a cold mock's and this JVM's compilers in a cold
   * run's first seconds) is not this client's ceiling, and lowering its threads there made a
   * cold run's TTFT differ from the mock's truth by 5-18 ms at p99 instead of about 1 ms.
   */
  static final double MACHINE_BUSY_OWN_SHARE = 0.5;
  /** Real time comes back only while the machine works less than this share of its cores. */
  static final double MACHINE_QUIET = 0.75;
  /** {@code /proc/stat}'s clock ticks: USER_HZ, 100 on every Linux architecture the JDK runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final java.nio.file.Path PROC_STAT = java.nio.file.Path.of("/proc/stat");

  private static final RealtimeKeeper KEEPER = new RealtimeKeeper(ThreadPriorities.SYSTEM,
      ManagementFactory.getThreadMXBean(), RealtimeThreads::processWorkNanos,
      RealtimeThreads::machineWorkNanos, Runtime.getRuntime().availableProcessors());

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
   *
   * <p>Only a closed loop's threads give real time up when the machine, not just this process,
   * is at its ceiling ({@link #MACHINE_BUSY}): there the client sends as fast as answers come,
   * and real time costs throughput. An open loop at a rate the client keeps up with fills two
   * cores too (5,000 requests/s against the mock on the same machine), and there the real-time
   * I/O threads are what keeps the sends on time (0.25 ms late at p99 against 1.7-2.0 ms).
   *
   * @param closedLoop whether the run is a closed loop (concurrency without a send schedule)
   */
  public static void loadStarts(boolean closedLoop) {
    KEEPER.freshStart(closedLoop);
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

  /**
   * The CPU time every process on this machine has worked (user, nice, system, interrupts,
   * steal) since boot, from {@code /proc/stat}; -1 where there is none.
   */
  static long machineWorkNanos() {
    try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(PROC_STAT)) {
      String line = in.readLine();
      return line == null ? -1 : machineWorkNanos(line);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The work in {@code /proc/stat}'s first line ({@code cpu  user nice system idle ...}). */
  static long machineWorkNanos(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (f.length < 8 || !"cpu".equals(f[0])) {
      return -1;
    }
    // user nice system [idle iowait] irq softirq, then steal when present; guest time is
    // counted in user already.
    long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
        + Long.parseLong(f[6]) + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
    return ticks * NANOS_PER_TICK;
  }
}
