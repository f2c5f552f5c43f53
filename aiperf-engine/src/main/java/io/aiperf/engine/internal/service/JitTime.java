package io.aiperf.engine.internal.service;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import org.jspecify.annotations.Nullable;

/** How long this JVM's JIT compilers have worked so far, where the JVM measures it. */
final class JitTime {
  private static final @Nullable CompilationMXBean JIT = jit();

  private JitTime() {}

  private static @Nullable CompilationMXBean jit() {
    CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
    return bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
  }

  /** The compilers' accumulated time in milliseconds (all their threads), -1 when not known. */
  static long compiledMillis() {
    CompilationMXBean bean = JIT;
    return bean == null ? -1 : bean.getTotalCompilationTime();
  }
}
