package io.aiperf.engine.internal.timing;

import io.aiperf.api.ArrivalPattern;
import java.util.SplittableRandom;

/**
 * Inter-arrival gaps for a request rate: a pure function of the pattern and the seed, so the same
 * seed always gives the same intended send times.
 *
 * <p>Gaps are drawn in units of the mean (mean 1): constant 1; Poisson Exp(1); gamma
 * Gamma(k, 1/k), whose variance 1/k sets the burstiness. Dividing by the current rate gives
 * nanoseconds, so a rate ramp reshapes the same draws.
 */
public final class ArrivalSchedule {
  private final ArrivalPattern pattern;
  private final double shape;
  private final SplittableRandom random;

  /**
   * Creates a schedule.
   *
   * @param pattern the arrival pattern
   * @param smoothness the gamma shape k (ignored for other patterns)
   * @param seed the seed
   */
  public ArrivalSchedule(ArrivalPattern pattern, double smoothness, long seed) {
    this.pattern = pattern;
    this.shape = smoothness;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Draws the next gap in units of the mean gap.
   *
   * @return the gap, mean 1
   */
  public double nextUnitGap() {
    return switch (pattern) {
      case CONSTANT -> 1.0;
      case POISSON -> -Math.log(1.0 - random.nextDouble());
      case GAMMA -> gamma(shape) / shape;
    };
  }

  /**
   * Draws the next gap at a rate.
   *
   * @param requestsPerSecond the current rate
   * @return nanoseconds until the next send
   */
  public long nextGapNanos(double requestsPerSecond) {
    return Math.round(nextUnitGap() * 1e9 / requestsPerSecond);
  }

  /** Gamma(k, 1) by Marsaglia and Tsang; k &lt; 1 through the boost G(k) = G(k+1)·U^(1/k). */
  private double gamma(double k) {
    if (k < 1) {
      double u = random.nextDouble();
      return gamma(k + 1) * Math.pow(u, 1 / k);
    }
    double d = k - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = gaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private double gaussian() {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
