package io.aiperf.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The skewed clock that stands in for another host's in tests. */
final class NanoClockTest {
  /** A clock that moves only when told. */
  private static final class Manual implements NanoClock {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public long wallNanos() {
      return 42;
    }
  }

  @Test
  void aSkewedClock_startsAheadBy_theOffset_andGainsTheDrift() {
    Manual base = new Manual();
    NanoClock skewed = NanoClock.skewed(base, 2_500_000_000L, 40);
    assertThat(skewed.nanoTime()).isEqualTo(3_500_000_000L);
    base.now.addAndGet(10_000_000_000L); // 10 s later it has gained 400 us
    assertThat(skewed.nanoTime()).isEqualTo(13_500_000_000L + 400_000L);
    assertThat(skewed.wallNanos()).isEqualTo(42);
  }

  @Test
  void theTestProperty_parsesOffsetAndDrift() {
    Manual base = new Manual();
    NanoClock behind = NanoClock.Skewed.fromProperty("-3s, -60ppm", base);
    assertThat(behind.nanoTime()).isEqualTo(1_000_000_000L - 3_000_000_000L);
    base.now.addAndGet(1_000_000_000L);
    assertThat(behind.nanoTime()).isEqualTo(-2_000_000_000L + 1_000_000_000L - 60_000L);
    assertThat(NanoClock.Skewed.fromProperty("+0.5s", base).nanoTime())
        .isEqualTo(base.now.get() + 500_000_000L);
    assertThat(NanoClock.Skewed.fromProperty(null, base)).isSameAs(base);
    assertThat(NanoClock.Skewed.fromProperty(" ", base)).isSameAs(base);
  }

  @Test
  void aMalformedProperty_namesItselfAndTheForm() {
    for (String bad : new String[] {"3", "3s,40", "fast", "1s,2ppm,3", "1s,1e9ppm"}) {
      assertThatThrownBy(() -> NanoClock.Skewed.fromProperty(bad, new Manual()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(NanoClock.TEST_SKEW_PROPERTY + " was '" + bad + "'")
          .hasMessageContaining("+2.5s,-40ppm");
    }
  }
}
