package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kernel says of a thread after it asked for real-time priority. */
final class RealtimePriorityTest {
  @Test
  void theGrantIsWhatTheKernelSays_andLoweringUndoesIt() throws Exception {
    assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
    AtomicReference<RealtimePriority.Grant> raised = new AtomicReference<>();
    AtomicReference<Integer> policyRaised = new AtomicReference<>();
    AtomicReference<RealtimePriority.Grant> lowered = new AtomicReference<>();
    AtomicReference<Integer> policyLowered = new AtomicReference<>();
    AtomicReference<Integer> policyOfChild = new AtomicReference<>();
    // A thread of its own: the test's thread must not stay real-time if lowering failed.
    Thread t = new Thread(() -> {
      raised.set(RealtimePriority.raiseCurrentThread());
      policyRaised.set(RealtimePriority.policy(Path.of("/proc/thread-self/stat")));
      Thread child = new Thread(() -> policyOfChild.set(
          RealtimePriority.policy(Path.of("/proc/thread-self/stat"))), "realtime-probe-child");
      child.start();
      try {
        child.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lowered.set(RealtimePriority.lowerCurrentThread());
      policyLowered.set(RealtimePriority.policy(Path.of("/proc/thread-self/stat")));
    }, "realtime-probe");
    t.start();
    t.join(30_000);
    if (raised.get().granted()) {
      assertThat(policyRaised.get()).as("SCHED_FIFO").isEqualTo(1);
      assertThat(raised.get().detail()).isEqualTo("SCHED_FIFO priority 10");
      // Threads a real-time one starts (the JDK's process reaper when the keeper runs chrt)
      // must not inherit the priority nobody watches them with.
      assertThat(policyOfChild.get()).as("a thread it started: SCHED_OTHER").isZero();
      assertThat(lowered.get().granted()).isTrue();
      assertThat(policyLowered.get()).as("SCHED_OTHER").isZero();
    } else {
      // Refused (no root, CAP_SYS_NICE or ulimit -r) or no chrt: the thread stays ordinary and
      // the reason reads after "real-time priority".
      assertThat(policyRaised.get()).isZero();
      assertThat(raised.get().detail()).matches("(was not permitted|needs|was refused).*");
    }
  }

  @Test
  void readsThePolicyPastACommandNameWithSpacesAndParentheses(@TempDir Path dir)
      throws Exception {
    StringBuilder fields = new StringBuilder("4242 (a (b) c) S");
    for (int field = 4; field <= 45; field++) {
      fields.append(' ').append(field == 41 ? 1 : field == 40 ? 7 : 0);
    }
    Path stat = Files.writeString(dir.resolve("stat"), fields + "\n");
    assertThat(RealtimePriority.policy(stat)).isEqualTo(1);
    assertThat(RealtimePriority.policy(dir.resolve("missing"))).isEqualTo(-1);
  }
}
