package io.aiperf.cli.dashboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * While the dashboard is up, everything that would print on the terminal comes here instead:
 * the logback console appenders are detached from the root logger (their events go to the tail),
 * so are java.util.logging's console handlers (JLine logs there; warnings go to the tail), and
 * {@code System.out} and {@code System.err} are replaced by streams that feed it. Closing
 * puts everything back and prints on stderr the warnings and errors that were logged meanwhile,
 * through the console appenders that would have printed them, so nothing is lost with the screen.
 */
final class LogTail implements AutoCloseable {
  /** Lines kept for the screen. */
  private static final int KEEP = 300;
  /** Warnings and errors printed again after the screen closes, at most. */
  static final int REPLAY = 40;

  private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
  /** ILoggingEvents of WARN and up, and lines written to System.err, in order. */
  private final List<Object> replay = new ArrayList<>();
  private int replayDropped;
  private final Runnable onLine;
  private final @Nullable Logger root;
  private final List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
  private final @Nullable AppenderBase<ILoggingEvent> tail;
  /** java.util.logging's console handlers (JLine logs there), set aside while the tail is up. */
  private final List<java.util.logging.Handler> julConsoles = new ArrayList<>();
  private final java.util.logging.Handler julTail;
  private final PrintStream savedOut;
  private final PrintStream savedErr;
  private boolean closed;

  private LogTail(Runnable onLine) {
    this.onLine = onLine;
    this.savedOut = System.out;
    this.savedErr = System.err;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      Logger r = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      PatternLayout layout = new PatternLayout();
      layout.setContext(context);
      layout.setPattern("%d{HH:mm:ss} %-5level %logger{0} - %msg");
      layout.start();
      AppenderBase<ILoggingEvent> a = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          LogLine.Severity s = e.getLevel().isGreaterOrEqual(Level.ERROR) ? LogLine.Severity.ERROR
              : e.getLevel().isGreaterOrEqual(Level.WARN) ? LogLine.Severity.WARN
                  : LogLine.Severity.INFO;
          String text = layout.doLayout(e);
          if (e.getThrowableProxy() != null) {
            text += " (" + e.getThrowableProxy().getClassName() + ": "
                + e.getThrowableProxy().getMessage() + ")";
          }
          if (s != LogLine.Severity.INFO) {
            e.prepareForDeferredProcessing();
            keepForReplay(e);
          }
          addText(s, text);
        }
      };
      a.setContext(context);
      a.setName("dashboard-tail");
      a.start();
      for (Iterator<Appender<ILoggingEvent>> it = r.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> appender = it.next();
        if (appender instanceof ConsoleAppender) {
          consoles.add(appender);
        }
      }
      consoles.forEach(r::detachAppender);
      r.addAppender(a);
      this.root = r;
      this.tail = a;
    } else {
      this.root = null;
      this.tail = null;
    }
    java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler h : julRoot.getHandlers()) {
      if (h instanceof java.util.logging.ConsoleHandler) {
        julConsoles.add(h);
        julRoot.removeHandler(h);
      }
    }
    julTail = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          String text = r.getLoggerName() + " - " + r.getMessage();
          keepForReplay(text);
          addText(LogLine.Severity.WARN, text);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    julRoot.addHandler(julTail);
    System.setOut(new PrintStream(new LineSink(LogLine.Severity.INFO), true,
        StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new LineSink(LogLine.Severity.WARN), true,
        StandardCharsets.UTF_8));
  }

  /**
   * Takes the console over.
   *
   * @param onLine called after each new line (from any thread), to repaint
   * @return the tail; close it to give the console back
   */
  static LogTail install(Runnable onLine) {
    return new LogTail(onLine);
  }

  private synchronized void keepForReplay(Object eventOrLine) {
    if (replay.size() < REPLAY) {
      replay.add(eventOrLine);
    } else {
      replayDropped++;
    }
  }

  /** Adds a line (or several, split at line breaks). */
  void addText(LogLine.Severity severity, String text) {
    synchronized (this) {
      for (String l : text.split("\\R")) {
        if (!l.isBlank()) {
          lines.addLast(new LogLine(severity, l.replace('\t', ' ')));
        }
      }
      while (lines.size() > KEEP) {
        lines.removeFirst();
      }
    }
    onLine.run();
  }

  /** The lines so far, oldest first. */
  synchronized List<LogLine> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    List<Object> again;
    int dropped;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      again = List.copyOf(replay);
      dropped = replayDropped;
    }
    System.setOut(savedOut);
    System.setErr(savedErr);
    java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    julRoot.removeHandler(julTail);
    julConsoles.forEach(julRoot::addHandler);
    Logger r = root;
    if (r != null && tail != null) {
      r.detachAppender(tail);
      tail.stop();
      consoles.forEach(r::addAppender);
    }
    for (Object o : again) {
      if (o instanceof ILoggingEvent e) {
        consoles.forEach(c -> c.doAppend(e));
      } else {
        savedErr.println(o);
      }
    }
    if (dropped > 0) {
      savedErr.println("... and " + dropped + " more warnings: see logs/aiperf.log in the"
          + " artifact directory");
    }
    savedErr.flush();
  }

  /** Collects bytes into lines; each complete line goes to the tail. */
  private final class LineSink extends OutputStream {
    private final LogLine.Severity severity;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    LineSink(LogLine.Severity severity) {
      this.severity = severity;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        flushLine();
      } else {
        pending.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void flushLine() {
      String line = pending.toString(StandardCharsets.UTF_8);
      pending.reset();
      if (severity != LogLine.Severity.INFO && !line.isBlank()) {
        keepForReplay(line);
      }
      addText(severity, line);
    }
  }
}
