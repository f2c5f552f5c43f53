package io.aiperf.engine.internal.service;

import io.aiperf.engine.internal.timing.JitCpu;
import java.util.concurrent.TimeUnit;

/** How long this JVM's JIT compilers have worked so far, where the JVM or the kernel tells. */
final class JitTime {
  private JitTime() {}

  /**
   * The compilers' accumulated CPU time in milliseconds (all their threads), -1 when not known.
   * CPU, not HotSpot's elapsed compilation time: on a busy machine that one counts the
   * compilers' waits for a CPU, and a warning would blame them for time they did not use.
   */
  static long compiledMillis() {
    long nanos = JitCpu.nanos();
    return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
