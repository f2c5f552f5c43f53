package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.engine.internal.NanoClock;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A timer due every 10 ms on one event loop: when it runs late, reads on that thread were late as
 * much. The histogram is written on the loop and read from others under its lock.
 */
final class LoopLagProbe {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long HIGHEST_NANOS = 3_600_000_000_000L;

  private final NanoClock clock;
  private final Histogram lag = new Histogram(HIGHEST_NANOS, 2);
  private long due;

  LoopLagProbe(EventLoop eventLoop, NanoClock clock) {
    this.clock = clock;
    this.due = clock.nanoTime() + PERIOD_NANOS;
    eventLoop.scheduleAtFixedRate(this::probe, PERIOD_NANOS, PERIOD_NANOS, TimeUnit.NANOSECONDS);
  }

  private void probe() {
    long late = Math.max(0, clock.nanoTime() - due);
    // A fixed-rate timer that fell behind fires back to back; measure each against its slot.
    due += PERIOD_NANOS;
    synchronized (lag) {
      lag.recordValue(Math.min(late, HIGHEST_NANOS));
    }
  }

  /** The lag of several loops together, or empty before the first probe ran. */
  static Optional<TransportProvider.LoopLag> combined(List<LoopLagProbe> probes) {
    Histogram all = new Histogram(HIGHEST_NANOS, 2);
    for (LoopLagProbe p : probes) {
      synchronized (p.lag) {
        all.add(p.lag);
      }
    }
    return all.getTotalCount() == 0 ? Optional.empty()
        : Optional.of(new TransportProvider.LoopLag(all.getTotalCount(),
            all.getValueAtPercentile(99), all.getMaxValue()));
  }
}
