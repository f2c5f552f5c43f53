package io.aiperf.cli;

import io.aiperf.api.BenchmarkRun;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during a run. The first stops issuing and lets in-flight requests drain; the second ends
 * them at once as cancelled and leaves only the exports to write; a third, or exports that take
 * longer than {@link #EXPORT_DEADLINE_SECONDS}, ends the process. A shutdown hook cannot do this:
 * the JVM ignores further signals while its hooks run, so the user could not hurry it.
 * SIGTERM still goes through the hook in {@link ProfileCommand}, as orchestrators expect.
 */
final class InterruptHandler implements SignalHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InterruptHandler.class);
  static final int EXPORT_DEADLINE_SECONDS = 15;
  /** The shell's code for a process ended by SIGINT. */
  static final int EXIT_INTERRUPTED = 130;

  private final BenchmarkRun run;
  private final PrintWriter err;
  private final AtomicInteger count = new AtomicInteger();
  /** Told of each Ctrl-C, before anything else happens (the dashboard shows it). */
  private final Runnable onInterrupt;
  /** Runs before the process is halted: a full-screen display gives the terminal back. */
  private final Runnable beforeHalt;
  /** The handler to restore; null when SIGINT could not be handled here. */
  private final @Nullable SignalHandler previous;

  private InterruptHandler(BenchmarkRun run, PrintWriter err, Runnable onInterrupt,
      Runnable beforeHalt) {
    this.run = run;
    this.err = err;
    this.onInterrupt = onInterrupt;
    this.beforeHalt = beforeHalt;
    @Nullable SignalHandler old;
    try {
      old = Signal.handle(new Signal("INT"), this);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // -Xrs, or a platform without SIGINT: the shutdown hook alone handles interrupts.
      log.debug("Cannot handle SIGINT: {}", e.getMessage());
      old = null;
    }
    this.previous = old;
  }

  /** Handles SIGINT for this run until closed. */
  static InterruptHandler install(BenchmarkRun run, PrintWriter err) {
    return install(run, err, () -> { }, () -> { });
  }

  /**
   * Handles SIGINT for this run until closed, telling a display about it.
   *
   * @param onInterrupt runs at each Ctrl-C
   * @param beforeHalt runs before the process is halted (a third Ctrl-C, exports too slow)
   */
  static InterruptHandler install(BenchmarkRun run, PrintWriter err, Runnable onInterrupt,
      Runnable beforeHalt) {
    return new InterruptHandler(run, err, onInterrupt, beforeHalt);
  }

  @Override
  public void handle(Signal signal) {
    int n = count.incrementAndGet();
    onInterrupt.run();
    if (n == 1) {
      err.println("Interrupted: no new requests; requests in flight get up to 10 s to finish."
          + " Press Ctrl-C again to stop at once.");
      err.flush();
      log.info("SIGINT: cancelling the run");
      run.cancel();
    } else if (n == 2) {
      err.println("Stopping at once: requests in flight are cancelled; writing what was measured.");
      err.flush();
      log.info("Second SIGINT: ending requests in flight now");
      run.cancelNow();
      Thread deadline = new Thread(() -> {
        try {
          run.result().get(EXPORT_DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException e) {
          beforeHalt.run();
          err.println("Exports did not finish within " + EXPORT_DEADLINE_SECONDS
              + " s; exiting with what is written.");
          err.flush();
          Runtime.getRuntime().halt(EXIT_INTERRUPTED);
        } catch (java.util.concurrent.ExecutionException e) {
          // The run failed; the command reports it.
        }
      }, "aiperf-export-deadline");
      deadline.setDaemon(true);
      deadline.start();
    } else {
      beforeHalt.run();
      err.println("Exiting now.");
      err.flush();
      Runtime.getRuntime().halt(EXIT_INTERRUPTED);
    }
  }

  /** Whether the user interrupted the run. */
  boolean interrupted() {
    return count.get() > 0;
  }

  @Override
  public void close() {
    if (previous != null) {
      try {
        Signal.handle(new Signal("INT"), previous);
      } catch (IllegalArgumentException e) {
        log.debug("Cannot restore the SIGINT handler: {}", e.getMessage());
      }
    }
  }
}
