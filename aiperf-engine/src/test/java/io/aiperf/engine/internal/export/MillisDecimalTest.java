package io.aiperf.engine.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Whole nanoseconds as milliseconds: the exact decimal, read back as the nearest double. */
final class MillisDecimalTest {
  private static String format(double nanos) {
    byte[] out = new byte[MillisDecimal.MAX_CHARS];
    return new String(out, 0, MillisDecimal.format(nanos, out, 0), java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void examples() {
    assertThat(format(355_679_839)).isEqualTo("355.679839");
    assertThat(format(20_000_000)).isEqualTo("20.0");
    assertThat(format(20_500_000)).isEqualTo("20.5");
    assertThat(format(1)).isEqualTo("0.000001");
    assertThat(format(0)).isEqualTo("0.0");
    assertThat(format(-1_250_000)).isEqualTo("-1.25");
    assertThat(format(999_999_999_999_999L)).isEqualTo("999999999.999999");
  }

  @Test
  void anyWholeNanos_isTheExactValue_andReadsBackAsTheNearestDouble() {
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 200_000; i++) {
      // Every magnitude from a nanosecond to the limit, both signs.
      long n = random.nextLong(1L << random.nextInt(1, 50));
      if (random.nextBoolean()) {
        n = -n;
      }
      String text = format(n);
      assertThat(new BigDecimal(text)).as(text)
          .isEqualByComparingTo(BigDecimal.valueOf(n).movePointLeft(6));
      assertThat(Double.parseDouble(text)).as(text).isEqualTo(n / 1e6);
    }
  }

  @Test
  void onlyWholeNanosInRange_fit() {
    assertThat(MillisDecimal.fits(12.5)).isFalse();
    assertThat(MillisDecimal.fits(1e15)).isFalse();
    assertThat(MillisDecimal.fits(Double.NaN)).isFalse();
    assertThat(MillisDecimal.fits(Double.POSITIVE_INFINITY)).isFalse();
    assertThat(MillisDecimal.fits(123_456_789)).isTrue();
  }
}
