package io.aiperf.engine.internal.service;

import io.aiperf.engine.internal.NanoClock;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test moves {@link #now}; monotonic and wall time alike. */
final class ManualClock implements NanoClock {
  final AtomicLong now;

  ManualClock(long startNanos) {
    now = new AtomicLong(startNanos);
  }

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public long wallNanos() {
    return now.get();
  }
}
