package io.aiperf.engine.internal.timing;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The CPU time this JVM's JIT compiler threads have used, read from the kernel's per-thread
 * accounting ({@code /proc/self/task/<tid>/schedstat}).
 *
 * <p>Why not {@link CompilationMXBean#getTotalCompilationTime()}: HotSpot adds up each
 * compilation's elapsed time, waits for a CPU included. When real-time event loops (or any other
 * load) keep the compiler threads off the CPUs, their compilations take longer and that number
 * grows although they did no more work: measured at the client's ceiling with real-time I/O
 * threads, it said the compilers worked 9.1 s of a 10 s run, and the real-time keeper, which
 * leaves the compilers' share out of the process's work, read a process working 1.4 of 2 cores
 * as idle and gave its I/O threads real-time priority back, which cost a third of the throughput.
 * The kernel counts only the time a thread actually ran.
 *
 * <p>Compiler threads come and go ({@code UseDynamicNumberOfCompilerThreads}), so the total is
 * kept as a sum of each thread's increments: one that ended keeps what it did.
 */
public final class JitCpu {
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final JitCpu INSTANCE = new JitCpu(TASKS);

  private final Path tasks;
  /** Last read CPU time of each compiler thread, by kernel thread id. */
  private final Map<String, Long> compilers = new HashMap<>();
  /** Threads already known not to be compilers, so that their names are read once. */
  private final Set<String> others = new HashSet<>();
  private long total;
  private boolean procMissing;

  JitCpu(Path tasks) {
    this.tasks = tasks;
  }

  /**
   * The JIT compilers' CPU time so far, in nanoseconds; where {@code /proc} cannot tell (not
   * Linux), HotSpot's own accumulated compilation time, which may count waits; -1 when neither
   * is known.
   *
   * @return nanoseconds of CPU, or -1
   */
  public static long nanos() {
    return INSTANCE.read();
  }

  synchronized long read() {
    if (!procMissing) {
      try {
        return fromProc();
      } catch (IOException | RuntimeException e) {
        procMissing = true;
      }
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? TimeUnit.MILLISECONDS.toNanos(jit.getTotalCompilationTime()) : -1;
  }

  private long fromProc() throws IOException {
    Set<String> alive = new HashSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        String tid = task.getFileName().toString();
        alive.add(tid);
        if (others.contains(tid)) {
          continue;
        }
        Long last = compilers.get(tid);
        if (last == null) {
          String name = readOrNull(task.resolve("comm"));
          if (name == null || !isCompiler(name.strip())) {
            others.add(tid);
            continue;
          }
          last = 0L;
        }
        long now = cpuNanos(task);
        if (now < 0) {
          continue; // the thread ended between the listing and the read
        }
        total += Math.max(0, now - last);
        compilers.put(tid, now);
      }
    }
    compilers.keySet().retainAll(alive);
    others.retainAll(alive);
    return total;
  }

  /**
   * A thread's CPU time: {@code schedstat}'s first field (nanoseconds), or where the kernel keeps
   * no schedstat, {@code stat}'s user and system ticks; -1 once the thread has ended.
   */
  private static long cpuNanos(Path task) throws IOException {
    String schedstat = readOrNull(task.resolve("schedstat"));
    if (schedstat != null) {
      return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
    }
    String stat = readOrNull(task.resolve("stat"));
    if (stat == null) {
      return -1;
    }
    // Fields after the name (which may hold spaces) in parentheses: state is the 3rd field,
    // utime and stime the 14th and 15th.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
  }

  /** Linux's USER_HZ, which /proc reports ticks in, is 100 on every common architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1" (cut to 15 characters). */
  static boolean isCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")
        || threadName.startsWith("JVMCI CompilerT");
  }

  private static @Nullable String readOrNull(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }
}
