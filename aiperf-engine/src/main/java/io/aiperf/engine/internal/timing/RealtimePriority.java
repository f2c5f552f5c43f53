package io.aiperf.engine.internal.timing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the calling thread in Linux's real-time class (SCHED_FIFO), where a wake-up preempts every
 * ordinary thread at once instead of waiting for the scheduler to judge it fair. Measured on a
 * two-core machine with both cores busy: a 100 µs park woke 1.3 ms late at p99 as an ordinary
 * thread and 48 µs late as a real-time one, which is the difference between a pacer that keeps a
 * 5,000/s schedule and one that does not.
 *
 * <p>Java has no API for this; the thread names its own kernel id through {@code
 * /proc/thread-self} and asks {@code chrt} (util-linux, on every common distribution) to change
 * it, then reads its policy back from {@code /proc} rather than trusting the tool's exit code.
 * Allowed for root, for a process with {@code CAP_SYS_NICE}, or where {@code ulimit -r} is at
 * least {@link #PRIORITY}; elsewhere the thread stays as it was and the grant says why.
 */
public final class RealtimePriority {
  /**
   * Low among real-time priorities: above every ordinary thread, below the kernel's own
   * real-time threads (interrupt threads run at 50, watchdogs at 99).
   */
  public static final int PRIORITY = 10;

  /**
   * One step above the I/O threads, for the threads that must preempt them when they wake: the
   * pacing thread and the I/O threads' keeper. SCHED_FIFO never shares a CPU between equals, so
   * at equal priority a woken thread waits until a busy I/O thread blocks (they were seen
   * working a whole core for 100 ms).
   */
  public static final int ABOVE_IO_PRIORITY = PRIORITY + 1;

  /** {@code /proc/<pid>/task/<tid>/stat}'s 41st field: the scheduling policy, 1 for FIFO. */
  private static final int POLICY_FIELD = 41;
  private static final int SCHED_FIFO = 1;

  private static final Grant NO_THREAD_SELF =
      new Grant(false, "needs /proc/thread-self, which could not be read");

  private RealtimePriority() {}

  /**
   * Whether the thread got real-time priority.
   *
   * @param granted true if the thread now runs as SCHED_FIFO
   * @param detail what it runs as; if not granted, why, worded to follow "real-time priority"
   */
  public record Grant(boolean granted, String detail) {}

  /**
   * Raises the calling thread to SCHED_FIFO at {@link #PRIORITY}. Takes a few milliseconds
   * (it starts a process): call it once, when the thread starts, never on a timing path.
   *
   * @return whether it worked, and if not, why
   */
  public static Grant raiseCurrentThread() {
    int tid = ownTid();
    return tid < 0 ? NO_THREAD_SELF : raise(tid, PRIORITY);
  }

  /**
   * Returns the calling thread to the ordinary class (SCHED_OTHER). Starts a process, as
   * {@link #raiseCurrentThread()}.
   *
   * @return whether it worked, and if not, why
   */
  public static Grant lowerCurrentThread() {
    int tid = ownTid();
    return tid < 0 ? NO_THREAD_SELF : lower(tid);
  }

  /**
   * Raises a thread of this process to SCHED_FIFO; starts a process.
   *
   * @param tid the kernel's id of the thread
   * @param priority the real-time priority, 1 to 99
   * @return whether it worked, and if not, why
   */
  static Grant raise(int tid, int priority) {
    // Reset on fork: a thread or process this one starts (the keeper starts chrt, and with it
    // the JDK's process reaper thread; a loop may start a helper thread) is an ordinary one.
    Grant changed = chrt(tid, List.of("-f", "-R"), Integer.toString(priority));
    if (!changed.granted()) {
      return changed;
    }
    return policy(stat(tid)) == SCHED_FIFO
        ? new Grant(true, "SCHED_FIFO priority " + priority)
        : new Grant(false, "the policy did not change");
  }

  /**
   * Returns a thread of this process to SCHED_OTHER; starts a process.
   *
   * @param tid the kernel's id of the thread
   * @return whether it worked, and if not, why
   */
  static Grant lower(int tid) {
    Grant changed = chrt(tid, List.of("-o"), "0");
    return changed.granted() && policy(stat(tid)) == 0
        ? new Grant(true, "SCHED_OTHER") : new Grant(false, changed.detail());
  }

  private static Path stat(int tid) {
    return Path.of("/proc/self/task/" + tid + "/stat");
  }

  /** Runs {@code chrt <policy flags> -p <priority> <tid>}; granted if it exited 0. */
  private static Grant chrt(int tid, List<String> policy, String priority) {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return new Grant(false, "is only asked for on Linux");
    }
    try {
      List<String> command = new ArrayList<>(List.of("chrt"));
      command.addAll(policy);
      command.addAll(List.of("-p", priority, Integer.toString(tid)));
      Process chrt = new ProcessBuilder(command)
          .redirectErrorStream(true).start();
      chrt.getOutputStream().close();
      String output = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          .strip();
      if (!chrt.waitFor(5, TimeUnit.SECONDS)) {
        chrt.destroyForcibly();
        return new Grant(false, "was asked of chrt, which did not answer within 5 s");
      }
      if (chrt.exitValue() == 0) {
        return new Grant(true, "");
      }
      return new Grant(false, output.contains("not permitted")
          ? "was not permitted (it needs root, CAP_SYS_NICE, or ulimit -r of at least "
              + priority + ")"
          : "was refused: " + output);
    } catch (IOException e) {
      return new Grant(false, "needs chrt (util-linux), which could not be run: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Grant(false, "was interrupted while being asked for");
    }
  }

  /** The kernel's id of the calling thread, -1 where there is no {@code /proc/thread-self}. */
  static int ownTid() {
    try {
      // "<pid>/task/<tid>"
      return Integer.parseInt(
          Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The scheduling policy in a {@code stat} file, or -1 if it cannot be read. */
  static int policy(Path stat) {
    try {
      String line = Files.readString(stat, StandardCharsets.US_ASCII);
      // The command name (field 2) may hold spaces and parentheses: count from its closing one.
      String[] rest = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
      return Integer.parseInt(rest[POLICY_FIELD - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
