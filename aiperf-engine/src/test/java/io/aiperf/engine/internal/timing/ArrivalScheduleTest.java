package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.ArrivalPattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Gaps over 100k samples match their distribution's mean and variance. Bounds: the standard error
 * of the mean of n gaps with variance v is sqrt(v/n); ±6 of them (and a looser bound on the
 * variance) cannot fail by chance in practice, and do fail when the distribution is wrong.
 */
final class ArrivalScheduleTest {
  private static final int N = 100_000;

  private static double[] moments(ArrivalSchedule s, double rate) {
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < N; i++) {
      double gapSeconds = s.nextGapNanos(rate) / 1e9;
      sum += gapSeconds;
      sq += gapSeconds * gapSeconds;
    }
    double mean = sum / N;
    return new double[] {mean, sq / N - mean * mean};
  }

  @Test
  void constant_isExact() {
    ArrivalSchedule s = new ArrivalSchedule(ArrivalPattern.CONSTANT, 1, 1);
    for (int i = 0; i < 1000; i++) {
      assertThat(s.nextGapNanos(250)).isEqualTo(4_000_000L);
    }
  }

  @Test
  void poisson_hasExponentialGaps() {
    double rate = 100; // mean 10 ms, variance (10 ms)^2
    double[] m = moments(new ArrivalSchedule(ArrivalPattern.POISSON, 1, 42), rate);
    double mean = 1 / rate;
    assertThat(m[0]).isCloseTo(mean, within(6 * mean / Math.sqrt(N)));
    assertThat(m[1]).isCloseTo(mean * mean, within(0.05 * mean * mean));
  }

  @ParameterizedTest
  @CsvSource({"0.25", "0.5", "1.0", "4.0"})
  void gamma_keepsTheMean_andVarianceIsMeanSquaredOverShape(double shape) {
    double rate = 200;
    double[] m = moments(new ArrivalSchedule(ArrivalPattern.GAMMA, shape, 7), rate);
    double mean = 1 / rate;
    double variance = mean * mean / shape;
    assertThat(m[0]).isCloseTo(mean, within(6 * Math.sqrt(variance / N)));
    assertThat(m[1]).isCloseTo(variance, within(0.08 * variance));
  }

  @Test
  void sameSeed_sameSchedule_otherSeed_otherSchedule() {
    ArrivalSchedule a = new ArrivalSchedule(ArrivalPattern.GAMMA, 0.5, 99);
    ArrivalSchedule b = new ArrivalSchedule(ArrivalPattern.GAMMA, 0.5, 99);
    ArrivalSchedule c = new ArrivalSchedule(ArrivalPattern.GAMMA, 0.5, 100);
    boolean differs = false;
    for (int i = 0; i < 1000; i++) {
      long gap = a.nextGapNanos(50);
      assertThat(b.nextGapNanos(50)).isEqualTo(gap);
      differs |= c.nextGapNanos(50) != gap;
    }
    assertThat(differs).isTrue();
  }
}
