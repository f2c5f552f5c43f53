package io.aiperf.cli.dashboard;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.LiveMetrics;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Size;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --ui dashboard}: a full-screen view of the run, repainted when its progress arrives
 * (about once a second), when a log line comes, and when the window is resized.
 *
 * <p>The listener only stores what it hears; a painter thread of its own lays it out
 * ({@link DashboardView}) and draws it ({@link Screen}), so a slow terminal never holds up the
 * run. While the screen is up, logging and {@code System.out}/{@code System.err} go to its log
 * tail ({@link LogTail}), and messages for the user ({@link #messages()}: Ctrl-C, remote
 * workers) to its footer. The screen closes when the result is in, before the console table is
 * printed, or on {@link #close()}, which the command calls whatever happened (a JVM shutdown
 * hook too, for SIGTERM). When the screen cannot be opened, or fails while up, the display falls
 * back to the simple one given, after a note saying why.
 */
public final class Dashboard implements BenchmarkListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  /** The longest {@link #close()} waits for the painter to finish a frame. */
  private static final long PAINTER_JOIN_MILLIS = 2_000;
  /** At most ten frames a second, however busy the log. */
  private static final long MIN_FRAME_MILLIS = 100;
  /** How often a resize is looked for when nothing else happens. */
  private static final long RESIZE_POLL_MILLIS = 250;

  private enum State { NEW, UP, FALLBACK, CLOSED }

  private final PrintWriter err;
  private final BenchmarkListener fallback;
  private final Object lifecycle = new Object();
  /** Open once the screen is down for good (or never came up): a second closer waits on it. */
  private final java.util.concurrent.CountDownLatch down = new java.util.concurrent.CountDownLatch(1);
  /** The longest a second closer waits for the first to give the terminal back. */
  private static final long DOWN_WAIT_MILLIS = 5_000;
  private volatile State state = State.NEW;
  private volatile @Nullable BenchmarkConfig config;
  private volatile @Nullable BenchmarkProgress progress;
  private volatile @Nullable LiveMetrics live;
  private volatile @Nullable String notice;
  private volatile boolean cancelling;
  private final List<String> notices = new ArrayList<>();
  private @Nullable Screen screen;
  private @Nullable LogTail tail;
  private @Nullable Thread painter;
  private @Nullable Thread hook;
  private @Nullable DashboardView view;
  private final Object wake = new Object();
  private boolean dirty;
  private boolean stopping;
  private final PrintWriter messages = new PrintWriter(new MessageWriter(), true);

  /**
   * A dashboard, not yet on screen.
   *
   * @param err the command's standard error, for notes and for messages once the screen is down
   * @param fallback the display used when the screen cannot be opened
   */
  public Dashboard(PrintWriter err, BenchmarkListener fallback) {
    this.err = err;
    this.fallback = fallback;
  }

  /**
   * Whether standard output is a terminal: AIPerf's test for its default display.
   *
   * @return true for a terminal
   */
  public static boolean stdoutIsTerminal() {
    return Screen.stdoutIsTerminal();
  }

  /**
   * Takes the screen, before the run starts. When it cannot (a terminal under
   * {@value DashboardView#MIN_COLUMNS}x{@value DashboardView#MIN_ROWS}, none at all), prints a
   * note and uses the simple display instead.
   */
  public void open() {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        return;
      }
      Screen s;
      try {
        s = Screen.open(DashboardView.MIN_COLUMNS, DashboardView.MIN_ROWS);
      } catch (Screen.UnavailableException e) {
        err.println("Note: " + e.getMessage() + "; showing --ui simple instead.");
        err.flush();
        state = State.FALLBACK;
        down.countDown();
        return;
      }
      screen = s;
      view = new DashboardView(s.unicode());
      tail = LogTail.install(this::repaint);
      Thread h = new Thread(this::close, "aiperf-dashboard-restore");
      try {
        Runtime.getRuntime().addShutdownHook(h);
        hook = h;
      } catch (IllegalStateException shuttingDown) {
        // Exiting already: close() below is called by the command.
      }
      state = State.UP;
      Thread t = new Thread(this::paintLoop, "aiperf-dashboard");
      t.setDaemon(true);
      painter = t;
      t.start();
    }
  }

  /**
   * A writer for messages to the user during the run: the footer and the log tail while the
   * screen is up (and stderr again once it closes), stderr otherwise.
   *
   * @return the writer
   */
  public PrintWriter messages() {
    return messages;
  }

  /** The user pressed Ctrl-C: the header says the run is being cancelled. */
  public void interrupted() {
    cancelling = true;
    repaint();
  }

  @Override
  public void onWaitingForWorkers(int count, String address) {
    if (state != State.UP) {
      fallback.onWaitingForWorkers(count, address);
      return;
    }
    messages.println("Waiting for " + count + " remote worker" + (count == 1 ? "" : "s")
        + ": on each, run  aiperf service --type worker --controller " + address);
  }

  @Override
  public void onStart(BenchmarkConfig config) {
    this.config = config;
    if (state != State.UP) {
      fallback.onStart(config);
    }
    repaint();
  }

  @Override
  public void onProgress(BenchmarkProgress progress) {
    if (state != State.UP) {
      fallback.onProgress(progress);
      return;
    }
    this.progress = progress;
    repaint();
  }

  @Override
  public void onLiveMetrics(LiveMetrics live) {
    if (state != State.UP) {
      fallback.onLiveMetrics(live);
      return;
    }
    this.live = live;
    repaint();
  }

  /** The result is in: the screen closes so that the console table prints on the terminal. */
  @Override
  public void onComplete(BenchmarkResult result) {
    close();
    fallback.onComplete(result);
  }

  /**
   * Leaves the screen and gives the console back; safe to call more than once, from any thread.
   * A call while another is under way returns once the terminal is back (bounded), so that a
   * process halted right after it (a third Ctrl-C) leaves a usable terminal.
   */
  @Override
  public void close() {
    @Nullable Thread p = null;
    boolean mine = false;
    synchronized (lifecycle) {
      if (state == State.NEW) {
        state = State.CLOSED;
        down.countDown();
      } else if (state == State.UP) {
        state = State.CLOSED;
        p = painter;
        mine = true;
      }
    }
    if (!mine) {
      awaitDown();
      return;
    }
    synchronized (wake) {
      stopping = true;
      wake.notifyAll();
    }
    if (p != null && p != Thread.currentThread()) {
      try {
        p.join(PAINTER_JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    tearDown();
  }

  private void awaitDown() {
    try {
      if (!down.await(DOWN_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        log.debug("The dashboard was still closing after {} ms", DOWN_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Restores the terminal, then the console, then says again what was said on the screen. */
  private void tearDown() {
    try {
      restore();
    } finally {
      down.countDown();
    }
  }

  private void restore() {
    Screen s = screen;
    if (s != null) {
      s.close();
    }
    LogTail t = tail;
    if (t != null) {
      t.close();
    }
    Thread h = hook;
    if (h != null && h != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(h);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting; the hook is running or ran.
      }
    }
    List<String> said;
    synchronized (notices) {
      said = List.copyOf(notices);
    }
    said.forEach(err::println);
    err.flush();
  }

  private void repaint() {
    synchronized (wake) {
      dirty = true;
      wake.notifyAll();
    }
  }

  private void paintLoop() {
    Size last = null;
    try {
      while (true) {
        boolean changed;
        synchronized (wake) {
          if (!dirty && !stopping) {
            wake.wait(RESIZE_POLL_MILLIS);
          }
          if (stopping) {
            return;
          }
          changed = dirty;
          dirty = false;
        }
        Screen s = screen;
        DashboardView v = view;
        if (s == null || v == null) {
          return;
        }
        Size size = s.size();
        if (changed || !size.equals(last)) {
          s.draw(v.render(model(), size.getColumns(), size.getRows()), size);
          last = size;
          Thread.sleep(MIN_FRAME_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | java.io.IOError e) {
      fail(e);
    }
  }

  /** A frame failed: the terminal is restored at once and the run goes on with the simple UI. */
  private void fail(Throwable e) {
    synchronized (lifecycle) {
      if (state != State.UP) {
        return;
      }
      state = State.FALLBACK;
    }
    tearDown();
    log.warn("The dashboard failed ({}); showing --ui simple instead", e.toString(), e);
    BenchmarkConfig c = config;
    if (c != null) {
      fallback.onStart(c);
    }
  }

  private DashboardView.Model model() {
    BenchmarkConfig c = config;
    LogTail t = tail;
    return new DashboardView.Model(c, progress, live, notice, cancelling,
        t == null ? List.of() : t.lines(), c == null ? Duration.ZERO : c.silenceWarning());
  }

  /** Lines written to {@link #messages()}: on the screen while it is up, else on stderr. */
  private final class MessageWriter extends Writer {
    private final StringBuilder pending = new StringBuilder();

    @Override
    public void write(char[] buf, int off, int len) {
      synchronized (pending) {
        pending.append(buf, off, len);
      }
    }

    @Override
    public void flush() {
      String text;
      synchronized (pending) {
        text = pending.toString();
        pending.setLength(0);
      }
      if (text.isEmpty()) {
        return;
      }
      LogTail t = tail;
      if (state != State.UP || t == null) {
        err.print(text);
        err.flush();
        return;
      }
      for (String line : text.split("\\R")) {
        if (!line.isBlank()) {
          synchronized (notices) {
            notices.add(line);
          }
          notice = line;
          t.addText(LogLine.Severity.WARN, line);
        }
      }
    }

    @Override
    public void close() {
      flush();
    }
  }
}
