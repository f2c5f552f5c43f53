package io.aiperf.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Writes a run's log to {@code <artifact dir>/logs/aiperf.log}, as AIPerf does. */
final class RunLog implements AutoCloseable {
  /** Both null when the backend is not logback: then there is nothing to write to or detach. */
  private final @Nullable FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;
  private final @Nullable Logger root;

  private RunLog(@Nullable FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender,
      @Nullable Logger root) {
    this.appender = appender;
    this.root = root;
  }

  /**
   * Starts writing the log of a run.
   *
   * @param artifactDir the run's directory
   * @return the log, to close when the run ends; a no-op when the backend is not logback
   */
  static RunLog open(Path artifactDir) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return new RunLog(null, null);
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
    encoder.start();
    FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName("run-log");
    file.setFile(artifactDir.resolve("logs").resolve("aiperf.log").toString());
    file.setEncoder(encoder);
    file.setAppend(false);
    file.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(file);
    return new RunLog(file, root);
  }

  @Override
  public void close() {
    if (appender != null && root != null) {
      root.detachAppender(appender);
      appender.stop();
    }
  }
}
