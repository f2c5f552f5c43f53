package io.aiperf.zmq.internal;

/**
 * The one monotonic clock of aiperf-zmq: every deadline here (close and flush, the I/O thread's
 * stop, reference expiry) reads it, and nothing else in this module calls
 * {@link System#nanoTime()}. One point so that a build check can ban the call elsewhere (as the
 * style guide asks) and a test clock, if one is ever needed, replaces it in one place. The
 * engine's clock is not used because aiperf-zmq does not depend on aiperf-engine at run time.
 */
final class Ticks {
  private Ticks() {}

  /**
   * Returns monotonic nanoseconds, only meaningful as differences.
   *
   * @return the current tick
   */
  @SuppressForbidden(reason = "the module's clock itself")
  static long nanos() {
    return System.nanoTime();
  }
}
