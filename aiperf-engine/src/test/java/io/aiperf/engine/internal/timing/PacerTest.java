package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.engine.internal.NanoClock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class PacerTest {
  /** A clock that moves only when read, so the pacer's loop can be driven without sleeping. */
  private static final class SteppingClock implements NanoClock {
    final AtomicLong now = new AtomicLong(1_000_000);
    final long step;

    SteppingClock(long step) {
      this.step = step;
    }

    @Override
    public long nanoTime() {
      return now.getAndAdd(step);
    }

    @Override
    public long wallNanos() {
      return now.get();
    }
  }

  @Test
  void returnsNoEarlierThanTheDeadline() {
    SteppingClock clock = new SteppingClock(1_000);
    Pacer pacer = Pacer.parkThenSpin(clock);
    long deadline = clock.now.get() + 150_000; // inside the spin window: never parks
    assertThat(pacer.awaitUntil(deadline)).isTrue();
    assertThat(clock.now.get()).isGreaterThanOrEqualTo(deadline);
  }

  @Test
  void pastDeadline_returnsAtOnce() {
    SteppingClock clock = new SteppingClock(1);
    long before = clock.now.get();
    assertThat(Pacer.parkThenSpin(clock).awaitUntil(before - 10)).isTrue();
    assertThat(clock.now.get() - before).isEqualTo(1);
  }

  @Test
  void interrupted_returnsFalse() {
    NanoClock frozen = new NanoClock() {
      @Override
      public long nanoTime() {
        return 0;
      }

      @Override
      public long wallNanos() {
        return 0;
      }
    };
    Thread.currentThread().interrupt();
    try {
      assertThat(Pacer.parkThenSpin(frozen).awaitUntil(1_000_000_000L)).isFalse();
    } finally {
      Thread.interrupted();
    }
  }
}
