package io.aiperf.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * AIPerf's {@code --log-level} (and {@code -v}: DEBUG, {@code -vv}: TRACE) applied to the
 * CLI's logback: the level of everything logged (the run's {@code logs/aiperf.log} included),
 * and the console's threshold, which stays at warnings unless DEBUG or TRACE is asked for (as
 * AIPerf's verbose flags show its debug output) or ERROR/CRITICAL lowers it further.
 */
final class LogLevel implements AutoCloseable {
  /** AIPerf's level names. */
  static final List<String> NAMES = List.of("TRACE", "DEBUG", "INFO", "NOTICE", "WARNING",
      "SUCCESS", "ERROR", "CRITICAL");

  private final List<Runnable> restore = new ArrayList<>();

  private LogLevel() {}

  /** Logback's level for one of AIPerf's names; NOTICE and SUCCESS sit between INFO and WARN. */
  static Level logback(String aiperfName) {
    return switch (aiperfName.toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Level.TRACE;
      case "DEBUG" -> Level.DEBUG;
      case "WARNING" -> Level.WARN;
      case "ERROR", "CRITICAL" -> Level.ERROR;
      default -> Level.INFO;
    };
  }

  /**
   * Applies a level until {@link #close}.
   *
   * @param aiperfName one of {@link #NAMES}
   * @return what to close to put the previous levels back
   */
  static LogLevel apply(String aiperfName) {
    LogLevel applied = new LogLevel();
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return applied;
    }
    Level level = logback(aiperfName);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    root.setLevel(level);
    applied.restore.add(() -> root.setLevel(before));
    Level console = level.isGreaterOrEqual(Level.ERROR) ? Level.ERROR
        : level.isGreaterOrEqual(Level.INFO) ? Level.WARN : level;
    Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
    if (stderr != null) {
      for (Filter<ILoggingEvent> f : stderr.getCopyOfAttachedFiltersList()) {
        if (f instanceof ThresholdFilter t) {
          String old = thresholdOf(t);
          t.setLevel(console.toString());
          applied.restore.add(() -> t.setLevel(old));
        }
      }
    }
    return applied;
  }

  /** ThresholdFilter has no getter: its decision on a probe tells the level it holds. */
  private static String thresholdOf(ThresholdFilter t) {
    for (Level l : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
      ch.qos.logback.classic.spi.LoggingEvent probe = new ch.qos.logback.classic.spi.LoggingEvent();
      probe.setLevel(l);
      if (t.decide(probe) != ch.qos.logback.core.spi.FilterReply.DENY) {
        return l.toString();
      }
    }
    return Level.WARN.toString();
  }

  @Override
  public void close() {
    for (int i = restore.size() - 1; i >= 0; i--) {
      restore.get(i).run();
    }
    restore.clear();
  }
}
