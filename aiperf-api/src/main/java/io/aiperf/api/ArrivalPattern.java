package io.aiperf.api;

/**
 * How request send times are spaced at a given request rate (AIPerf's {@code --arrival-pattern}).
 * Every pattern keeps the mean rate; the same seed always gives the same schedule.
 *
 * @since 0.1.0
 */
public enum ArrivalPattern {
  /** Evenly spaced: every gap is exactly 1 / rate. */
  CONSTANT,
  /** Exponential gaps (a Poisson process), AIPerf's default. */
  POISSON,
  /**
   * Gamma-distributed gaps with shape k = arrival smoothness (vLLM's {@code --burstiness}): k = 1 is
   * Poisson, k &lt; 1 burstier, k &gt; 1 smoother.
   */
  GAMMA
}
