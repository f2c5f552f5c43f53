package io.aiperf.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the dashboard's log tail takes from the console while it is up, and gives back. */
final class LogTailTest {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogTailTest.class);

  private static List<String> rootAppenders() {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<String> names = new ArrayList<>();
    for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
        root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<?> a = it.next();
      names.add((a instanceof ConsoleAppender ? "console:" : "") + a.getName());
    }
    return names;
  }

  @Test
  void logAndStandardStreams_goToTheTail_andComeBackOnClose() {
    List<String> before = rootAppenders();
    assertThat(before).anyMatch(n -> n.startsWith("console:"));
    PrintStream out = System.out;
    PrintStream err = System.err;
    AtomicInteger repaints = new AtomicInteger();
    LogTail tail = LogTail.install(repaints::incrementAndGet);
    try {
      assertThat(rootAppenders()).noneMatch(n -> n.startsWith("console:"))
          .contains("dashboard-tail");
      assertThat(System.out).isNotSameAs(out);
      log.info("an info line");
      log.warn("a warning\nover two lines");
      java.util.logging.Logger.getLogger("org.jline").warning("a JUL warning");
      System.out.println("printed on stdout");
      System.err.print("printed on stderr\n");
      List<LogLine> lines = tail.lines();
      assertThat(lines).extracting(LogLine::text)
          .anyMatch(t -> t.endsWith("INFO  LogTailTest - an info line"))
          .anyMatch(t -> t.endsWith("WARN  LogTailTest - a warning"))
          .contains("over two lines", "printed on stdout", "printed on stderr",
              "org.jline - a JUL warning");
      assertThat(lines).filteredOn(l -> l.text().contains("a warning"))
          .extracting(LogLine::severity).containsExactly(LogLine.Severity.WARN);
      assertThat(lines).filteredOn(l -> l.text().equals("printed on stderr"))
          .extracting(LogLine::severity).containsExactly(LogLine.Severity.WARN);
      assertThat(repaints.get()).isGreaterThanOrEqualTo(4);
    } finally {
      tail.close();
    }
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isSameAs(err);
    assertThat(rootAppenders()).isEqualTo(before);
    tail.close(); // twice is harmless
    assertThat(rootAppenders()).isEqualTo(before);
  }

  @Test
  void theTail_keepsTheNewestLines() {
    LogTail tail = LogTail.install(() -> { });
    try {
      for (int i = 0; i < 1_000; i++) {
        tail.addText(LogLine.Severity.INFO, "line " + i);
      }
      assertThat(tail.lines()).hasSizeLessThan(1_000).last()
          .isEqualTo(new LogLine(LogLine.Severity.INFO, "line 999"));
    } finally {
      tail.close();
    }
  }
}
