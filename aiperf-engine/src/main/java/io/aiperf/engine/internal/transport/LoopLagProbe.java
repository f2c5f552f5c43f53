package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.engine.internal.NanoClock;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.jspecify.annotations.Nullable;

/**
 * How long an event loop takes to run work handed to it: every 10 ms one shared thread stamps the
 * time and hands a task to each loop, which records how late it ran. A socket that becomes
 * readable wakes the loop the same way, so its reads were late as much.
 *
 * <p>Not a timer on the loop: an idle loop runs its timers up to a millisecond late by design
 * (epoll's timeout granularity), which read as 0.8 ms of lag at p50 on an idle machine and put the
 * p99 of a trivial run near the warning's threshold. The hand-off measures what a read waits for:
 * the loop being busy, a GC pause, or no free CPU. The loop records into a single-writer recorder
 * (wait-free, no monitor); only readers, once a second, take this probe's lock.
 *
 * <p>Once the loop holds a connection, only what it recorded since counts: start-up (class
 * loading, the dataset prepared on the same cores, its garbage collected) delays no read. Until
 * then the probe reports the start-up, so an idle transport still says something.
 */
final class LoopLagProbe {
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long HIGHEST_NANOS = 3_600_000_000_000L;
  private static final List<LoopLagProbe> PROBES = new CopyOnWriteArrayList<>();
  private static @Nullable Thread kicker;

  private final EventLoop eventLoop;
  private final NanoClock clock;
  /** Written only by the loop: before its first connection, then after. */
  private final SingleWriterRecorder startup = new SingleWriterRecorder(HIGHEST_NANOS, 2);
  private final SingleWriterRecorder running = new SingleWriterRecorder(HIGHEST_NANOS, 2);
  /** Every interval read so far, of each; guarded by this. */
  private final Histogram startupTotal = new Histogram(HIGHEST_NANOS, 2);
  private final Histogram runningTotal = new Histogram(HIGHEST_NANOS, 2);
  private @Nullable Histogram recycledStartup;
  private @Nullable Histogram recycledRunning;
  /** When the task in flight was handed over, 0 when none is: one at a time per loop. */
  private volatile long handedNanos;
  /** Set once the loop opened a connection; never cleared. */
  private volatile boolean connected;
  private final Runnable onLoop = this::ranOnLoop;

  LoopLagProbe(EventLoop eventLoop, NanoClock clock) {
    this.eventLoop = eventLoop;
    this.clock = clock;
    register(this);
  }

  private static synchronized void register(LoopLagProbe probe) {
    PROBES.add(probe);
    if (kicker == null) {
      Thread t = new Thread(LoopLagProbe::kickForever, "aiperf-loop-lag-probe");
      t.setDaemon(true);
      kicker = t;
      t.start();
    }
  }

  /** Ends the shared thread once no loop is left to probe; a new probe starts another. */
  private static synchronized boolean keepKicking() {
    if (PROBES.isEmpty()) {
      kicker = null;
      return false;
    }
    return true;
  }

  private static void kickForever() {
    while (keepKicking()) {
      LockSupport.parkNanos(PERIOD_NANOS);
      for (LoopLagProbe p : PROBES) {
        if (p.eventLoop.isShuttingDown()) {
          PROBES.remove(p);
        } else {
          p.kick();
        }
      }
    }
  }

  /** Hands the loop a task unless the last one is still waiting: that one measures the stall. */
  void kick() {
    if (handedNanos != 0) {
      return;
    }
    handedNanos = clock.nanoTime();
    try {
      eventLoop.execute(onLoop);
    } catch (java.util.concurrent.RejectedExecutionException shutDown) {
      PROBES.remove(this);
    }
  }

  /** The transport opens a connection on this loop: from now on, only what follows counts. */
  void connecting() {
    if (!connected) {
      connected = true;
    }
  }

  private void ranOnLoop() {
    long late = clock.nanoTime() - handedNanos;
    handedNanos = 0;
    // A task that waited for several periods stands for every period it hid, as a fixed-rate
    // timer firing back to back would: 10 ms of samples for each 10 ms of stall.
    (connected ? running : startup).recordValueWithExpectedInterval(
        Math.max(0, Math.min(late, HIGHEST_NANOS)), PERIOD_NANOS);
  }

  /** Adds what the loop recorded since the last read to the totals; off the loop, locked. */
  private void read() {
    recycledStartup = startup.getIntervalHistogram(recycledStartup);
    startupTotal.add(recycledStartup);
    recycledRunning = running.getIntervalHistogram(recycledRunning);
    runningTotal.add(recycledRunning);
  }

  /**
   * Forgets every sample so far (what waits in the recorders too): the profiling phase starts, and
   * a stall before it delayed none of its stamps. Samples of the task in flight land afterwards,
   * so a stall still going on keeps counting.
   */
  synchronized void restart() {
    read();
    startupTotal.reset();
    runningTotal.reset();
  }

  /** Restarts every probe in the list. */
  static void restart(List<LoopLagProbe> probes) {
    for (LoopLagProbe p : probes) {
      p.restart();
    }
  }

  /**
   * The lag of several loops together, or empty before the first probe ran: only since their
   * connections opened once one has.
   */
  static Optional<TransportProvider.LoopLag> combined(List<LoopLagProbe> probes) {
    Histogram all = histogram(probes);
    return all.getTotalCount() == 0 ? Optional.empty()
        : Optional.of(new TransportProvider.LoopLag(all.getTotalCount(),
            all.getValueAtPercentile(99), all.getMaxValue()));
  }

  /** What {@link #combined} summarizes: every sample, in nanoseconds. */
  static Histogram histogram(List<LoopLagProbe> probes) {
    Histogram running = new Histogram(HIGHEST_NANOS, 2);
    Histogram startup = new Histogram(HIGHEST_NANOS, 2);
    for (LoopLagProbe p : probes) {
      synchronized (p) {
        p.read();
        running.add(p.runningTotal);
        startup.add(p.startupTotal);
      }
    }
    return running.getTotalCount() > 0 ? running : startup;
  }
}
