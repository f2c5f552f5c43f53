package io.aiperf.cli.dashboard;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.LiveMetrics;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jspecify.annotations.Nullable;

/**
 * Lays a run's state out as the dashboard's lines for a screen of a given size: a header with
 * the phase, progress and ETA; the live metrics table; errors by type beside the workers and
 * their lag; warnings; the log tail; a footer. A pure function of its input, so tests read it
 * without a terminal.
 */
final class DashboardView {
  /** Below this the layout does not fit; the dashboard is not started (or says so). */
  static final int MIN_COLUMNS = 80;
  static final int MIN_ROWS = 24;
  /** From this width the table shows all of AIPerf's columns and errors sit beside workers. */
  static final int WIDE_COLUMNS = 110;
  private static final int STAT_WIDTH = 11;
  private static final Statistic[] ALL = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P99, Statistic.P90, Statistic.P50, Statistic.STD};
  private static final Statistic[] NARROW = {Statistic.AVG, Statistic.P99, Statistic.P90,
      Statistic.P50};
  private static final AttributedStyle TITLE = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
  private static final AttributedStyle LABEL = AttributedStyle.DEFAULT.foreground(
      AttributedStyle.CYAN);
  private static final AttributedStyle WARN = AttributedStyle.BOLD.foreground(
      AttributedStyle.YELLOW);
  private static final AttributedStyle ERROR = AttributedStyle.BOLD.foreground(
      AttributedStyle.RED);
  private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();

  /**
   * What is shown.
   *
   * @param config the run, once it started
   * @param progress the latest progress
   * @param live the latest live statistics
   * @param notice the latest message to the user (Ctrl-C, remote workers), shown in the footer
   * @param cancelling whether the user stopped the run
   * @param log the log tail, oldest first
   * @param silence the run's silence warning threshold
   */
  record Model(@Nullable BenchmarkConfig config, @Nullable BenchmarkProgress progress,
      @Nullable LiveMetrics live, @Nullable String notice, boolean cancelling,
      List<LogLine> log, Duration silence) {
    Model {
      log = List.copyOf(log);
    }
  }

  private final boolean unicode;

  /**
   * A view.
   *
   * @param unicode whether the terminal takes UTF-8 (box rules and block bars), else ASCII
   */
  DashboardView(boolean unicode) {
    this.unicode = unicode;
  }

  /** Whether a screen of this size can hold the dashboard. */
  static boolean fits(int columns, int rows) {
    return columns >= MIN_COLUMNS && rows >= MIN_ROWS;
  }

  /**
   * Lays the model out.
   *
   * @param m the state
   * @param cols screen width
   * @param rows screen height
   * @return exactly {@code rows} lines, none wider than {@code cols}
   */
  List<AttributedString> render(Model m, int cols, int rows) {
    List<AttributedString> out = new ArrayList<>();
    if (!fits(cols, rows)) {
      out.add(new AttributedString(String.format(Locale.ROOT, "Terminal too small (%dx%d):"
          + " the dashboard needs %dx%d. Enlarge it; the run goes on.", cols, rows, MIN_COLUMNS,
          MIN_ROWS), WARN));
      return fit(out, cols, rows);
    }
    List<AttributedString> header = header(m, cols);
    AttributedString footer = footer(m);
    int avail = rows - header.size() - 1;
    List<AttributedString> warnings = warnings(m, cols, 4);
    List<AttributedString> side = errorsAndWorkers(m, cols);
    int logMin = 4;
    int metricsBudget = Math.max(3, avail - warnings.size() - side.size() - logMin);
    List<AttributedString> metrics = metrics(m, cols, metricsBudget);
    int logLines = Math.max(1, avail - warnings.size() - side.size() - metrics.size() - 1);
    out.addAll(header);
    out.addAll(metrics);
    out.addAll(side);
    out.addAll(warnings);
    out.add(rule("Log", cols));
    List<LogLine> tail = m.log().subList(Math.max(0, m.log().size() - logLines), m.log().size());
    for (LogLine l : tail) {
      AttributedStyle style = l.severity() == LogLine.Severity.ERROR ? ERROR
          : l.severity() == LogLine.Severity.WARN ? WARN : AttributedStyle.DEFAULT;
      out.add(new AttributedString(" " + l.text(), style));
    }
    while (out.size() < rows - 1) {
      out.add(AttributedString.EMPTY);
    }
    out = new ArrayList<>(out.subList(0, rows - 1));
    out.add(footer);
    return fit(out, cols, rows);
  }

  /** Cuts each line to the width (a full last column would wrap on some terminals). */
  private static List<AttributedString> fit(List<AttributedString> lines, int cols, int rows) {
    List<AttributedString> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      AttributedString l = i < lines.size() ? lines.get(i) : AttributedString.EMPTY;
      out.add(l.columnLength() > cols - 1 ? l.columnSubSequence(0, cols - 1) : l);
    }
    return out;
  }

  private List<AttributedString> header(Model m, int cols) {
    List<AttributedString> out = new ArrayList<>();
    BenchmarkConfig c = m.config();
    LiveMetrics live = m.live();
    BenchmarkProgress p = m.progress();
    AttributedStringBuilder title = new AttributedStringBuilder().append(" aiperf-java ", TITLE);
    if (c != null) {
      title.append(" " + c.endpoint().model().orElse("") + " · " + c.endpoint().type()
          + (c.endpoint().streaming() ? " (streaming)" : "") + " · " + c.endpoint().url());
    }
    String clock = live == null ? "" : "elapsed " + clock(live.elapsed());
    out.add(rightAligned(title.toAttributedString(), clock, cols));

    AttributedStringBuilder phase = new AttributedStringBuilder().append(" ");
    String name = phaseName(m);
    phase.append(String.format(Locale.ROOT, "%-10s", name), m.cancelling() ? WARN : TITLE);
    int barWidth = Math.max(10, cols / 3);
    if (live != null && live.phase() == LiveMetrics.Phase.WARMUP) {
      long target = c == null ? -1 : c.warmupRequestCount().orElse(-1);
      phase.append(bar(target > 0 ? (double) live.warmupCompleted() / target : -1, barWidth))
          .append(String.format(Locale.ROOT, "  %,d%s warmup requests done",
              live.warmupCompleted(), target > 0 ? String.format(Locale.ROOT, " / %,d", target)
                  : ""));
    } else if (p != null) {
      double fraction = fraction(m);
      phase.append(bar(fraction, barWidth)).append("  ");
      if (p.total() > 0) {
        phase.append(String.format(Locale.ROOT, "%,d / %,d requests (%.0f%%)", p.completed(),
            p.total(), 100.0 * p.completed() / p.total()));
      } else {
        phase.append(String.format(Locale.ROOT, "%,d requests", p.completed()));
      }
      eta(m).ifPresent(eta -> phase.append("   ETA ", LABEL).append(eta));
    } else {
      phase.append("preparing the dataset and the workers", DIM);
    }
    out.add(phase.toAttributedString());

    AttributedStringBuilder load = new AttributedStringBuilder().append(" ");
    if (c != null) {
      load.append("load ", LABEL).append(load(c)).append("   ");
    }
    if (p != null) {
      load.append("in flight ", LABEL).append(String.format(Locale.ROOT, "%,d", p.inFlight()))
          .append("   ");
      long done = p.completed();
      String errors = String.format(Locale.ROOT, "%,d", p.errors())
          + (done > 0 ? String.format(Locale.ROOT, " (%.1f%%)", 100.0 * p.errors() / done) : "");
      load.append("errors ", LABEL).append(errors, p.errors() > 0 ? ERROR
          : AttributedStyle.DEFAULT).append("   ");
      load.append("last end ", LABEL).append(seconds(p.sinceLastEnd()) + " ago");
    }
    out.add(load.toAttributedString());
    return out;
  }

  private static String phaseName(Model m) {
    if (m.cancelling()) {
      return "Cancelling";
    }
    LiveMetrics live = m.live();
    if (live == null) {
      return "Starting";
    }
    return switch (live.phase()) {
      case WARMUP -> "Warmup";
      case PROFILING -> "Profiling";
      case PROCESSING -> "Processing";
    };
  }

  /** The share done: requests of a counted run, time of a timed one; -1 when unknown. */
  private static double fraction(Model m) {
    BenchmarkProgress p = m.progress();
    if (p != null && p.total() > 0) {
      return Math.min(1, (double) p.completed() / p.total());
    }
    BenchmarkConfig c = m.config();
    LiveMetrics live = m.live();
    if (c != null && live != null && c.benchmarkDuration().isPresent()) {
      long total = c.benchmarkDuration().get().toMillis();
      return total <= 0 ? -1 : Math.min(1, (double) live.elapsed().toMillis() / total);
    }
    return -1;
  }

  /** Time left at the pace so far (counted runs) or on the clock (timed runs). */
  static java.util.Optional<String> eta(Model m) {
    BenchmarkProgress p = m.progress();
    LiveMetrics live = m.live();
    BenchmarkConfig c = m.config();
    if (p == null || live == null || live.phase() != LiveMetrics.Phase.PROFILING
        || m.cancelling()) {
      return java.util.Optional.empty();
    }
    long elapsed = live.elapsed().toMillis();
    if (p.total() > 0 && p.completed() > 0 && elapsed > 0) {
      long left = Math.round((double) (p.total() - p.completed()) * elapsed / p.completed());
      return java.util.Optional.of(clock(Duration.ofMillis(Math.max(0, left))));
    }
    if (c != null && c.benchmarkDuration().isPresent()) {
      long left = c.benchmarkDuration().get().toMillis() - elapsed;
      return java.util.Optional.of(left >= 0 ? clock(Duration.ofMillis(left))
          : "grace period (" + seconds(c.gracePeriod()) + ")");
    }
    return java.util.Optional.empty();
  }

  private static String load(BenchmarkConfig c) {
    if (c.requestRate().isPresent()) {
      return String.format(Locale.ROOT, "%s requests/s %s%s", num(c.requestRate().getAsDouble()),
          c.arrivalPattern().name().toLowerCase(Locale.ROOT),
          c.concurrency() > 0 ? ", at most " + c.concurrency() + " in flight" : "");
    }
    if (c.userCentricRate().isPresent()) {
      return c.numUsers() + " users";
    }
    return "concurrency " + c.concurrency();
  }

  private List<AttributedString> metrics(Model m, int cols, int budget) {
    List<AttributedString> out = new ArrayList<>();
    LiveMetrics live = m.live();
    List<MetricResult> dist = new ArrayList<>();
    List<MetricResult> scalars = new ArrayList<>();
    if (live != null) {
      for (MetricResult r : live.metrics()) {
        (r.scalar() ? scalars : dist).add(r);
      }
    }
    long count = dist.stream().mapToLong(MetricResult::count).max().orElse(0);
    List<AttributedString> scalarLines = scalars(scalars, cols);
    int rows = Math.max(0, budget - 2 - scalarLines.size());
    int hidden = Math.max(0, dist.size() - rows);
    out.add(rule(dist.isEmpty() ? "Metrics (none yet: no request has completed)"
        : String.format(Locale.ROOT, "Metrics over %,d completed requests%s", count,
            hidden > 0 ? String.format(Locale.ROOT, " (%d more rows: enlarge the terminal)",
                hidden) : ""), cols));
    Statistic[] columns = cols >= WIDE_COLUMNS ? ALL : NARROW;
    int nameWidth = cols - 2 - columns.length * STAT_WIDTH;
    AttributedStringBuilder head = new AttributedStringBuilder().append(" ")
        .append(pad("Metric", nameWidth), LABEL);
    for (Statistic s : columns) {
      head.append(left(s.key(), STAT_WIDTH), LABEL);
    }
    out.add(head.toAttributedString());
    for (MetricResult r : dist.subList(0, Math.min(dist.size(), rows))) {
      StringBuilder row = new StringBuilder(" ").append(pad(r.header() + " (" + r.unit() + ")",
          nameWidth));
      for (Statistic s : columns) {
        double v = r.get(s);
        row.append(left(Double.isFinite(v) ? num(v) : "N/A", STAT_WIDTH));
      }
      out.add(new AttributedString(row));
    }
    out.addAll(scalarLines);
    return out;
  }

  /** Throughputs and counts, one value each: several to a line. */
  private static List<AttributedString> scalars(List<MetricResult> scalars, int cols) {
    List<AttributedString> out = new ArrayList<>();
    AttributedStringBuilder line = new AttributedStringBuilder();
    for (MetricResult r : scalars) {
      boolean count = r.unit().equals("requests") || r.unit().equals("tokens");
      String value = (count && r.avg() == Math.rint(r.avg()) && Math.abs(r.avg()) < 1e15
          ? String.format(Locale.ROOT, "%,d", (long) r.avg()) : num(r.avg())) + " " + r.unit();
      int width = r.header().length() + value.length() + 5;
      if (line.length() > 0 && line.columnLength() + width > cols - 1) {
        out.add(line.toAttributedString());
        line = new AttributedStringBuilder();
      }
      line.append(" ").append(r.header(), LABEL).append(" ").append(value, AttributedStyle.BOLD)
          .append("   ");
    }
    if (line.length() > 0) {
      out.add(line.toAttributedString());
    }
    return out;
  }

  private List<AttributedString> errorsAndWorkers(Model m, int cols) {
    List<AttributedString> errors = errors(m);
    List<AttributedString> workers = workers(m);
    int cap = 4;
    if (cols < WIDE_COLUMNS) {
      List<AttributedString> out = new ArrayList<>();
      out.add(rule("Errors by type", cols));
      out.addAll(capped(errors, cap));
      out.add(rule("Workers", cols));
      out.addAll(capped(workers, cap));
      return out;
    }
    int half = cols / 2;
    List<AttributedString> out = new ArrayList<>();
    out.add(new AttributedStringBuilder().append(rule("Errors by type", half))
        .append(rule("Workers", cols - half)).toAttributedString());
    List<AttributedString> left = capped(errors, cap);
    List<AttributedString> right = capped(workers, cap);
    for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
      AttributedString l = i < left.size() ? left.get(i) : AttributedString.EMPTY;
      AttributedString r = i < right.size() ? right.get(i) : AttributedString.EMPTY;
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.append(l.columnLength() > half - 1 ? l.columnSubSequence(0, half - 1) : l);
      b.append(" ".repeat(Math.max(0, half - b.columnLength())));
      out.add(b.append(r).toAttributedString());
    }
    return out;
  }

  private static List<AttributedString> capped(List<AttributedString> lines, int cap) {
    if (lines.size() <= cap) {
      return lines;
    }
    List<AttributedString> out = new ArrayList<>(lines.subList(0, cap - 1));
    out.add(new AttributedString(" … and " + (lines.size() - cap + 1) + " more", DIM));
    return out;
  }

  /** Errors grouped by type, most frequent first, with a code and the commonest message. */
  private static List<AttributedString> errors(Model m) {
    LiveMetrics live = m.live();
    if (live == null || live.errors().isEmpty()) {
      return List.of(new AttributedString(" none", DIM));
    }
    Map<String, long[]> byType = new LinkedHashMap<>();
    Map<String, ErrorSummary> example = new LinkedHashMap<>();
    for (ErrorSummary e : live.errors()) { // most frequent first: the first seen is the example
      byType.computeIfAbsent(e.type(), t -> new long[1])[0] += e.count();
      example.putIfAbsent(e.type(), e);
    }
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byType.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    List<AttributedString> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : sorted) {
      ErrorSummary ex = example.get(e.getKey());
      String code = ex != null && ex.code() > 0 ? " " + ex.code() : "";
      out.add(new AttributedStringBuilder()
          .append(String.format(Locale.ROOT, " %,7d  ", e.getValue()[0]), ERROR)
          .append(e.getKey() + code)
          .append(ex == null ? "" : ": " + ex.message(), DIM).toAttributedString());
    }
    return out;
  }

  private static List<AttributedString> workers(Model m) {
    LiveMetrics live = m.live();
    if (live == null || live.workers().isEmpty()) {
      return List.of(new AttributedString(" waiting for the first reports", DIM));
    }
    List<AttributedString> out = new ArrayList<>();
    for (LiveMetrics.WorkerStatus w : live.workers()) {
      AttributedStringBuilder b = new AttributedStringBuilder()
          .append(String.format(Locale.ROOT, " %-11s", w.id()));
      if (w.lost()) {
        out.add(b.append("lost", ERROR).toAttributedString());
        continue;
      }
      b.append(String.format(Locale.ROOT, "%,5d in flight", w.inFlight()));
      if (w.silent() > 0) {
        b.append(String.format(Locale.ROOT, " (%d silent)", w.silent()), WARN);
      }
      b.append("  lag ", LABEL).append(String.format(Locale.ROOT, "p99 %s max %s ms",
          num(w.lagP99().toNanos() / 1e6), num(w.lagMax().toNanos() / 1e6)));
      out.add(b.toAttributedString());
    }
    return out;
  }

  /** The silence of requests in flight, then the run's warnings so far, wrapped and capped. */
  private List<AttributedString> warnings(Model m, int cols, int maxLines) {
    List<String> texts = new ArrayList<>();
    BenchmarkProgress p = m.progress();
    if (p != null && p.silent() > 0) {
      texts.add(String.format(Locale.ROOT, "%d of %d in flight received nothing for %s or more"
          + " (longest %s)", p.silent(), p.inFlight(), seconds(m.silence()),
          seconds(p.longestSilence())));
    }
    LiveMetrics live = m.live();
    if (live != null) {
      texts.addAll(live.warnings());
    }
    if (texts.isEmpty()) {
      return List.of();
    }
    List<AttributedString> out = new ArrayList<>();
    out.add(rule("Warnings", cols));
    List<String> lines = new ArrayList<>();
    for (String t : texts) {
      lines.addAll(wrap("! " + t, cols - 3));
    }
    for (int i = 0; i < Math.min(lines.size(), maxLines); i++) {
      String l = lines.get(i);
      if (i == maxLines - 1 && lines.size() > maxLines) {
        l = l.substring(0, Math.max(0, Math.min(l.length(), cols - 30)))
            + " … (all in the final table)";
      }
      out.add(new AttributedString(" " + l, WARN));
    }
    return out;
  }

  private AttributedString footer(Model m) {
    String notice = m.notice();
    if (notice != null) {
      return new AttributedString(" " + notice, WARN);
    }
    return new AttributedStringBuilder().append(" Ctrl-C", AttributedStyle.BOLD)
        .append(" stops the run: requests in flight get 10 s, the exports are written and marked"
            + " cancelled", DIM).toAttributedString();
  }

  private AttributedString rule(String title, int width) {
    // Not U+2500: JLine would send that through the alternate character set, which reads as
    // 'q' in a text capture of the screen.
    String dash = unicode ? "━" : "-";
    AttributedStringBuilder b = new AttributedStringBuilder().append(dash + " ", DIM)
        .append(title, TITLE).append(" ");
    b.append(dash.repeat(Math.max(0, width - b.columnLength() - 1)), DIM);
    return b.toAttributedString();
  }

  private String bar(double fraction, int width) {
    int inner = width - 2;
    if (fraction < 0) {
      return "[" + " ".repeat(inner) + "]";
    }
    int full = (int) Math.round(fraction * inner);
    return unicode ? "▕" + "█".repeat(full) + "░".repeat(inner - full) + "▏"
        : "[" + "#".repeat(full) + "-".repeat(inner - full) + "]";
  }

  private static AttributedString rightAligned(AttributedString left, String right, int cols) {
    int gap = cols - 1 - left.columnLength() - right.length();
    if (gap < 1) {
      return left;
    }
    return new AttributedStringBuilder().append(left).append(" ".repeat(gap))
        .append(right, DIM).toAttributedString();
  }

  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        out.add(line.toString());
        line.setLength(0);
        line.append("  ");
      }
      if (line.length() > 0 && !line.toString().isBlank()) {
        line.append(' ');
      }
      line.append(word);
    }
    if (!line.toString().isBlank()) {
      out.add(line.toString());
    }
    return out;
  }

  /** A value with two decimals and thousands separators, shorter when it would not fit. */
  static String num(double v) {
    String s = String.format(Locale.ROOT, "%,.2f", v);
    if (s.length() < STAT_WIDTH) {
      return s;
    }
    s = String.format(Locale.ROOT, "%,.0f", v);
    return s.length() < STAT_WIDTH ? s : String.format(Locale.ROOT, "%.3e", v);
  }

  static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String pad(String s, int width) {
    if (s.length() >= width) {
      return s.substring(0, Math.max(0, width - 2)) + "… ";
    }
    return s + " ".repeat(width - s.length());
  }

  private static String left(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }
}
