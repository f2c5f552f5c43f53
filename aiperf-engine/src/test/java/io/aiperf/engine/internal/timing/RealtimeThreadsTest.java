package io.aiperf.engine.internal.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The keeper of real-time I/O threads: raised when they start, lowered while they work more than
 * half a core, raised again once mostly idle for a second; and the real thing on this kernel.
 */
final class RealtimeThreadsTest {
  private static final long WINDOW = RealtimeThreads.WINDOW_NANOS;

  /** Records every change the keeper asks for; grants what {@link #permitted} says. */
  private static class FakePriorities implements ThreadPriorities {
    final List<String> calls = new ArrayList<>();
    final List<Integer> raisedTo = new ArrayList<>();
    boolean permitted = true;

    @Override
    public RealtimePriority.Grant raise(int tid, int priority) {
      calls.add("raise " + tid);
      raisedTo.add(priority);
      return new RealtimePriority.Grant(permitted, permitted ? "" : "was not permitted");
    }

    @Override
    public RealtimePriority.Grant lower(int tid) {
      calls.add("lower " + tid);
      return new RealtimePriority.Grant(true, "SCHED_OTHER");
    }
  }

  private final FakePriorities priorities = new FakePriorities();
  private final Map<Thread, Long> cpu = new HashMap<>();
  /** The process's CPU time less the JIT's: what the keeper reads of the whole client. */
  private long processWork;
  /** Every process's CPU time on the machine; -1 (unknown) until a test sets it. */
  private long machineWork = -1;
  private final RealtimeKeeper keeper = new RealtimeKeeper(priorities,
      t -> cpu.getOrDefault(t, -1L), () -> processWork, () -> machineWork, 2);
  private final Thread io = new Thread(() -> { }, "io-1");

  /** The keeper watches {@link #io} (kernel id 42) from its first reading on. */
  private void watchIo() {
    cpu.put(io, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    keeper.window(WINDOW);
  }

  /** The thread works this share of a core in the next window. */
  private void works(double share) {
    cpu.merge(io, Math.round(share * WINDOW), Long::sum);
    keeper.window(WINDOW);
  }

  /** Windows in which the process, the whole machine and {@link #io} work so many cores. */
  private void load(double processCores, double machineCores, double ioShare, int windows) {
    for (int i = 0; i < windows; i++) {
      processWork += Math.round(processCores * WINDOW);
      machineWork += Math.round(machineCores * WINDOW);
      works(ioShare);
    }
  }

  @Test
  void aMostlyIdleThread_keepsRealTime() {
    cpu.put(io, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    for (int i = 0; i < 20; i++) {
      works(0.15);
    }
    assertThat(keeper.isRealtime(io)).isTrue();
    assertThat(priorities.calls).containsExactly("raise 42");
  }

  @Test
  void aThreadReadLate_afterAnotherWasLowered_isJudgedOverItsOwnInterval() throws Exception {
    Thread other = new Thread(() -> { }, "io-2");
    long chrtNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300);
    RealtimeKeeper slowChrt = new RealtimeKeeper(new FakePriorities() {
      @Override
      public RealtimePriority.Grant lower(int tid) {
        // chrt on a busy machine takes long; the other thread works half a core meanwhile.
        cpu.merge(other, chrtNanos / 2, Long::sum);
        try {
          Thread.sleep(chrtNanos / 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.lower(tid);
      }
    }, t -> cpu.getOrDefault(t, -1L), () -> processWork, () -> -1L, 2, System::nanoTime);
    cpu.put(io, 0L);
    cpu.put(other, 0L);
    slowChrt.queued(io, 42, RealtimePriority.PRIORITY);
    slowChrt.queued(other, 43, RealtimePriority.PRIORITY);
    slowChrt.admit();
    cpu.merge(io, WINDOW, Long::sum); // saturated: lowered
    cpu.merge(other, WINDOW / 2, Long::sum);
    slowChrt.window(WINDOW);
    assertThat(slowChrt.isRealtime(io)).isFalse();
    // Its CPU over the window alone would read 200 % of a core.
    assertThat(slowChrt.isRealtime(other)).as("half a core, read 300 ms late").isTrue();
  }

  @Test
  void aBusyThread_givesRealTimeUp_andGetsItBackOnlyAfterASecondMostlyIdle() {
    cpu.put(io, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    works(0.95);
    assertThat(keeper.isRealtime(io)).as("saturated for a window").isFalse();
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS - 1; i++) {
      works(0.05);
    }
    works(0.3); // between the two thresholds: the quiet second starts again
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS - 1; i++) {
      works(0.05);
    }
    assertThat(keeper.isRealtime(io)).isFalse();
    works(0.05);
    assertThat(keeper.isRealtime(io)).as("a whole quiet second").isTrue();
    assertThat(priorities.calls).containsExactly("raise 42", "lower 42", "raise 42");
  }

  @Test
  void aBurstKeepsRealTime_butASecondOfSteadyWorkGivesItUp() {
    cpu.put(io, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    works(0.85); // a wave of new connections
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS - 1; i++) {
      works(0.15);
    }
    assertThat(keeper.isRealtime(io)).as("a burst, then steady but light").isTrue();
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS; i++) {
      works(0.6);
    }
    assertThat(keeper.isRealtime(io)).as("a second at 0.6 of a core").isFalse();
    assertThat(priorities.calls).containsExactly("raise 42", "lower 42");
  }

  @Test
  void threadsThatTogetherWorkTooMuch_loseRealTimeBusiestFirst_andComeBackOnlyWithinTheTotal() {
    Thread[] threads = new Thread[4];
    // Each under its own limit (half a core), together 1.25 for a second.
    double[] shares = {0.3, 0.3, 0.35, 0.3};
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> { }, "t" + i);
      cpu.put(threads[i], 0L);
      keeper.queued(threads[i], 50 + i, RealtimePriority.PRIORITY);
    }
    keeper.admit();
    for (int w = 0; w < RealtimeThreads.QUIET_WINDOWS; w++) {
      for (int i = 0; i < threads.length; i++) {
        cpu.merge(threads[i], Math.round(shares[i] * WINDOW), Long::sum);
      }
      keeper.window(WINDOW);
    }
    assertThat(keeper.isRealtime(threads[2])).as("the busiest").isFalse();
    assertThat(threads).filteredOn(t -> t != threads[2]).allMatch(keeper::isRealtime);
    // Quiet now, but 0.9 + 0.05 would pass the total: it waits.
    shares[2] = 0.05;
    for (int w = 0; w < 2 * RealtimeThreads.QUIET_WINDOWS; w++) {
      for (int i = 0; i < threads.length; i++) {
        cpu.merge(threads[i], Math.round(shares[i] * WINDOW), Long::sum);
      }
      keeper.window(WINDOW);
    }
    assertThat(keeper.isRealtime(threads[2])).isFalse();
    // Once the others work less, it fits again.
    for (int w = 0; w < 3; w++) {
      for (Thread t : threads) {
        cpu.merge(t, Math.round(0.05 * WINDOW), Long::sum);
      }
      keeper.window(WINDOW);
    }
    assertThat(keeper.isRealtime(threads[2])).isTrue();
    assertThat(priorities.calls).containsExactly("raise 50", "raise 51", "raise 52", "raise 53",
        "lower 52", "raise 52");
  }

  @Test
  void aProcessNearItsCeiling_givesEveryThreadsRealTimeUp_andTakesItBackOnlyWhenMostlyIdle() {
    cpu.put(io, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    keeper.window(WINDOW); // the first reading of the process's CPU
    // Each thread light, the whole process at 1.6 of its 2 cores for a second.
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS - 1; i++) {
      processWork += Math.round(1.6 * WINDOW);
      works(0.1);
      assertThat(keeper.isRealtime(io)).as("not yet a second").isTrue();
    }
    processWork += Math.round(1.6 * WINDOW);
    works(0.1);
    assertThat(keeper.isRealtime(io)).as("1.6 of 2 cores over a second").isFalse();
    // The thread is quiet at once; the process works less, but not under 0.6 of the cores.
    for (int i = 0; i < 2 * RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(1.3 * WINDOW);
      works(0.05);
    }
    assertThat(keeper.isRealtime(io)).isFalse();
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(0.2 * WINDOW);
      works(0.05);
    }
    assertThat(keeper.isRealtime(io)).as("the process under 0.6 of the cores").isTrue();
    assertThat(priorities.calls).containsExactly("raise 42", "lower 42", "raise 42");
  }

  @Test
  void aClosedLoopOnAMachineAtItsCeiling_givesRealTimeUp_thoughTheClientWorksLessThanItsShare() {
    machineWork = 0;
    keeper.freshStart(true);
    watchIo();
    // Non-streaming against a server on the same two cores: the client at 1.3 cores, each I/O
    // thread at 0.4 of one, the server taking the rest.
    load(1.3, 1.95, 0.4, RealtimeThreads.QUIET_WINDOWS);
    assertThat(keeper.isRealtime(io)).as("1.95 of 2 cores over a second").isFalse();
    // The client's load drops: the thread is quiet, but the machine is still above 0.75.
    load(0.3, 1.7, 0.05, 2 * RealtimeThreads.QUIET_WINDOWS);
    assertThat(keeper.isRealtime(io)).isFalse();
    load(0.3, 0.6, 0.05, 2 * RealtimeThreads.QUIET_WINDOWS);
    assertThat(keeper.isRealtime(io)).as("the machine under 0.75 of its cores").isTrue();
    assertThat(priorities.calls).containsExactly("raise 42", "lower 42", "raise 42");
  }

  @Test
  void aClosedLoopOnAMachineFilledByOthers_keepsRealTime() {
    // A cold run's first seconds: a fresh mock and this JVM's compilers fill the machine, the
    // client's own work (JIT left out) is a fifth of a core.
    machineWork = 0;
    keeper.freshStart(true);
    watchIo();
    load(0.2, 2.0, 0.1, 3 * RealtimeThreads.QUIET_WINDOWS);
    assertThat(keeper.isRealtime(io)).isTrue();
  }

  @Test
  void anOpenLoopOnABusyMachine_keepsRealTime() {
    // 5,000 requests/s against the mock on the same two cores: the machine full, the client at
    // 1.1 cores; the real-time I/O threads are what keeps the sends on time there.
    machineWork = 0;
    keeper.freshStart(false);
    watchIo();
    load(1.1, 2.0, 0.33, 3 * RealtimeThreads.QUIET_WINDOWS);
    assertThat(keeper.isRealtime(io)).isTrue();
  }

  @Test
  void theMachinesWork_isReadFromProcStat() {
    // user nice system idle iowait irq softirq steal guest guest_nice, in 1/100 s
    assertThat(RealtimeThreads.machineWorkNanos("cpu  100 2 30 5000 7 1 4 3 0 0"))
        .isEqualTo((100 + 2 + 30 + 1 + 4 + 3) * 10_000_000L);
    assertThat(RealtimeThreads.machineWorkNanos("cpu0 1 2 3 4 5 6 7")).isEqualTo(-1);
    assertThat(RealtimeThreads.machineWorkNanos("intr 1 2")).isEqualTo(-1);
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat"))) {
      long first = RealtimeThreads.machineWorkNanos();
      assertThat(first).isPositive();
      assertThat(RealtimeThreads.machineWorkNanos()).isGreaterThanOrEqualTo(first);
    }
  }

  @Test
  void aClientWorkingHalfItsCoresWithLightIoThreads_keepsRealTime() {
    watchIo();
    // 5,000 requests/s against a mock on the same two cores: the process at 1.1 cores, the I/O
    // thread at a third of one.
    for (int i = 0; i < 5 * RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(1.1 * WINDOW);
      works(0.33);
    }
    assertThat(keeper.isRealtime(io)).isTrue();
    assertThat(priorities.calls).containsExactly("raise 42");
  }

  @Test
  void aServersThreads_runBelowTheClients_whenRaisedAndRaisedAgain() {
    Thread server = new Thread(() -> { }, "mock-llm-io-1");
    cpu.put(io, 0L);
    cpu.put(server, 0L);
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.queued(server, 43, RealtimeThreads.SERVER_PRIORITY);
    keeper.admit();
    keeper.freshStart(false);
    keeper.window(WINDOW);
    assertThat(RealtimeThreads.SERVER_PRIORITY).isBetween(1, RealtimePriority.PRIORITY - 1);
    assertThat(priorities.raisedTo)
        .containsExactly(RealtimePriority.PRIORITY, RealtimeThreads.SERVER_PRIORITY);
    // Lowered by a burst, and raised again once idle: at its own priority again.
    cpu.merge(server, WINDOW, Long::sum);
    keeper.window(WINDOW);
    assertThat(keeper.isRealtime(server)).isFalse();
    for (int i = 0; i <= RealtimeThreads.QUIET_WINDOWS; i++) {
      keeper.window(WINDOW);
    }
    assertThat(keeper.isRealtime(server)).isTrue();
    assertThat(priorities.raisedTo).last().isEqualTo(RealtimeThreads.SERVER_PRIORITY);
  }

  @Test
  void whenTheLoadStarts_threadsLoweredByStartUpWorkGetRealTimeBack_andLoseItAgainAtACeiling() {
    watchIo();
    // Start-up (warm-up against an in-process server, the dataset): the process is busy.
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(1.7 * WINDOW);
      works(0.1);
    }
    assertThat(keeper.isRealtime(io)).as("lowered by the start-up's work").isFalse();

    keeper.freshStart(false);
    processWork += Math.round(1.7 * WINDOW);
    works(0.1);
    assertThat(keeper.isRealtime(io)).as("the load starts: judged afresh").isTrue();
    // A light load keeps it.
    for (int i = 0; i < 3 * RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(0.3 * WINDOW);
      works(0.1);
    }
    assertThat(keeper.isRealtime(io)).isTrue();
    // A load at the ceiling gives it up again after a second.
    for (int i = 0; i < RealtimeThreads.QUIET_WINDOWS; i++) {
      processWork += Math.round(1.9 * WINDOW);
      works(0.15);
    }
    assertThat(keeper.isRealtime(io)).isFalse();
    assertThat(priorities.calls)
        .containsExactly("raise 42", "lower 42", "raise 42", "lower 42");
  }

  @Test
  void aRefusedThread_isNotWatched_andAThreadThatEndedIsForgotten() {
    priorities.permitted = false;
    keeper.queued(io, 42, RealtimePriority.PRIORITY);
    keeper.admit();
    assertThat(keeper.isRealtime(io)).isFalse();
    priorities.permitted = true;
    Thread other = new Thread(() -> { }, "io-2");
    cpu.put(other, 0L);
    keeper.queued(other, 43, RealtimePriority.PRIORITY);
    keeper.admit();
    assertThat(keeper.isRealtime(other)).isTrue();
    cpu.remove(other); // ended: its CPU time reads -1
    keeper.window(WINDOW);
    assertThat(keeper.isRealtime(other)).isFalse();
    assertThat(priorities.calls).containsExactly("raise 42", "raise 43");
  }

  @Test
  void onThisKernel_anIdleThreadRunsRealTime_andASpinningOneIsLoweredAtOnce()
      throws Exception {
    assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
    ThreadFactory factory = RealtimeThreads.factory("rt-test");
    AtomicInteger idleTid = new AtomicInteger(-1);
    CountDownLatch done = new CountDownLatch(1);
    Thread idle = factory.newThread(() -> {
      idleTid.set(RealtimePriority.ownTid());
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    AtomicInteger spinTid = new AtomicInteger(-1);
    AtomicBoolean spinning = new AtomicBoolean(true);
    Thread spin = factory.newThread(() -> {
      spinTid.set(RealtimePriority.ownTid());
      long sink = 0;
      while (spinning.get()) {
        sink += System.nanoTime() & 1;
      }
      assertThat(sink).isNotNegative();
    });
    idle.start();
    try {
      assumeThat(permittedHere()).as("real-time priority is permitted here").isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> idleTid.get() > 0);
      // Raised within a window or two of starting.
      await().atMost(Duration.ofSeconds(30)).until(() -> policy(idleTid.get()) == 1);
      spin.start();
      // It may be raised for a moment; after a window of spinning it is lowered, for good.
      await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(500))
          .until(() -> spinTid.get() > 0 && policy(spinTid.get()) == 0);
      assertThat(policy(idleTid.get())).as("the idle one keeps it").isEqualTo(1);
    } finally {
      spinning.set(false);
      done.countDown();
      spin.join(10_000);
      idle.join(10_000);
    }
  }

  private static int policy(int tid) {
    return RealtimePriority.policy(Path.of("/proc/self/task/" + tid + "/stat"));
  }

  /** Asked of a thread of its own, which ends at once whatever the answer. */
  private static boolean permittedHere() throws InterruptedException {
    AtomicBoolean granted = new AtomicBoolean();
    Thread probe = new Thread(() -> granted.set(RealtimePriority.raiseCurrentThread().granted()),
        "rt-permission-probe");
    probe.start();
    probe.join(30_000);
    return granted.get();
  }
}
