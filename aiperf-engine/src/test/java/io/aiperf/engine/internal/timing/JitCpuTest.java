package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JIT compilers' CPU as the kernel counts it: only compiler threads, and a compiler thread
 * that ended keeps what it did (HotSpot starts and stops them as the queue grows and shrinks).
 */
final class JitCpuTest {
  @TempDir Path tasks;

  private void task(String tid, String name, long cpuNanos) throws IOException {
    Path dir = Files.createDirectories(tasks.resolve(tid));
    Files.writeString(dir.resolve("comm"), name + "\n");
    Files.writeString(dir.resolve("schedstat"), cpuNanos + " 12345 67\n");
  }

  @Test
  void sumsOnlyCompilerThreadsAndKeepsWhatEndedThreadsDid() throws IOException {
    task("100", "java", 9_000_000_000L);
    task("101", "C2 CompilerThre", 2_000_000_000L);
    task("102", "C1 CompilerThre", 500_000_000L);
    task("103", "aiperf-io-1", 4_000_000_000L);
    JitCpu jit = new JitCpu(tasks);

    assertThat(jit.read()).isEqualTo(2_500_000_000L);

    task("101", "C2 CompilerThre", 2_300_000_000L);
    Files.walk(tasks.resolve("102")).sorted(java.util.Comparator.reverseOrder())
        .forEach(p -> p.toFile().delete());
    task("104", "C2 CompilerThre", 100_000_000L);
    assertThat(jit.read()).as("ended C1 thread kept, new C2 thread counted from its start")
        .isEqualTo(2_300_000_000L + 500_000_000L + 100_000_000L);
  }

  @Test
  void fallsBackToTicksWhereTheKernelKeepsNoSchedstat() throws IOException {
    Path dir = Files.createDirectories(tasks.resolve("200"));
    Files.writeString(dir.resolve("comm"), "C2 CompilerThre\n");
    // pid (comm) state ppid ... utime=30 stime=12 (fields 14 and 15)
    Files.writeString(dir.resolve("stat"),
        "200 (C2 CompilerThre) S 1 1 1 0 -1 4194624 0 0 0 0 30 12 0 0 20 0 1 0 5 0 0\n");
    assertThat(new JitCpu(tasks).read()).isEqualTo(42 * 10_000_000L);
  }

  @Test
  void recognisesHotSpotsCompilerThreadNames() {
    assertThat(JitCpu.isCompiler("C2 CompilerThre")).isTrue();
    assertThat(JitCpu.isCompiler("C1 CompilerThre")).isTrue();
    assertThat(JitCpu.isCompiler("Common-Cleaner")).isFalse();
    assertThat(JitCpu.isCompiler("aiperf-io-1")).isFalse();
  }

  @Test
  void thisJvmsCompilersDidSomeOfItsWork() {
    assumeThat(Path.of("/proc/self/task")).isDirectory();
    long jit = JitCpu.nanos();
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    // A JVM that loaded JUnit has compiled something, and its compilers cannot have used more
    // CPU than the whole process.
    assertThat(jit).isPositive().isLessThanOrEqualTo(os.getProcessCpuTime());
  }
}
