package io.aiperf.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.Endpoints;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.LiveMetrics;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The dashboard's layout, read as the text a terminal would show. */
final class DashboardViewTest {
  private static final BenchmarkConfig CONFIG = Benchmark.builder()
      .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo").streaming(true))
      .concurrency(16).requestCount(500).build();

  private static MetricResult dist(String tag, String header, String unit, double base) {
    return new MetricResult(new MetricTag(tag), header, unit, false, 200, base, base * 0.9,
        base * 3, base * 200, base / 10, base, base, base, base, base * 1.01, base, base * 1.2,
        base, base * 2);
  }

  private static LiveMetrics live(LiveMetrics.Phase phase, List<String> warnings) {
    return new LiveMetrics(phase, Duration.ofSeconds(20), 0,
        List.of(dist("time_to_first_token", "Time to First Token", "ms", 21.5),
            dist("inter_token_latency", "Inter Token Latency", "ms", 5.0),
            dist("request_latency", "Request Latency", "ms", 515.0),
            MetricResult.scalar(new MetricTag("request_throughput"), "Request Throughput",
                "requests/sec", 10.0),
            MetricResult.scalar(new MetricTag("request_count"), "Request Count", "requests",
                200)),
        List.of(new ErrorSummary(500, "Internal Server Error", "mock failure", 7),
            new ErrorSummary(0, "TimeoutError", "timed out", 3),
            new ErrorSummary(503, "Internal Server Error", "overloaded", 2)),
        List.of(new LiveMetrics.WorkerStatus("worker_0", 8, 0, Duration.ofMillis(2),
            Duration.ofMillis(9), false),
            new LiveMetrics.WorkerStatus("worker_1", 8, 2, Duration.ofNanos(400_000),
                Duration.ofMillis(1), false)),
        warnings);
  }

  private static BenchmarkProgress progress(long completed) {
    return new BenchmarkProgress(completed, 12, 500, 16, 2, Duration.ofSeconds(12),
        Duration.ofSeconds(13), Duration.ofMillis(300));
  }

  private static DashboardView.Model model(LiveMetrics live, List<LogLine> log) {
    return new DashboardView.Model(CONFIG, progress(200), live, null, false, log,
        Duration.ofSeconds(10));
  }

  private static List<String> text(List<AttributedString> lines) {
    return lines.stream().map(AttributedString::toString).toList();
  }

  @Test
  void aRunningProfile_showsProgressEtaTableErrorsWorkersAndLog() {
    List<LogLine> log = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      log.add(new LogLine(LogLine.Severity.INFO, "line " + i));
    }
    List<String> screen = text(new DashboardView(true).render(
        model(live(LiveMetrics.Phase.PROFILING, List.of()), log), 120, 40));
    String all = String.join("\n", screen);
    assertThat(screen).hasSize(40).allSatisfy(l -> assertThat(l.length()).isLessThan(120));
    assertThat(screen.get(0)).contains("demo · chat (streaming) · http://127.0.0.1:8000")
        .endsWith("elapsed 00:20");
    // 200 of 500 in 20 s: 300 more take 30 s at that pace.
    assertThat(screen.get(1)).contains("Profiling", "200 / 500 requests (40%)", "ETA 00:30");
    assertThat(screen.get(2)).contains("concurrency 16", "in flight 16", "errors 12 (6.0%)");
    assertThat(all).contains("Metrics over 200 completed requests");
    assertThat(screen).anySatisfy(l -> assertThat(l).matches(
        " Metric +avg +min +max +p99 +p90 +p50 +std"));
    assertThat(screen).anySatisfy(l -> assertThat(l).matches(
        " Time to First Token \\(ms\\) +21\\.50 +19\\.35 +64\\.50 +43\\.00 +25\\.80 +21\\.72"
            + " +2\\.15"));
    assertThat(all).contains("Request Throughput 10.00 requests/sec", "Request Count 200 requests");
    // Errors grouped by type, most frequent first, with a code and the commonest message.
    assertThat(all).containsPattern(" +9 +Internal Server Error 500: mock failure")
        .containsPattern(" +3 +TimeoutError: timed out");
    assertThat(all).contains("worker_0", "lag p99 2.00 max 9.00 ms", "(2 silent)");
    assertThat(all).contains("2 of 16 in flight received nothing for 10.0 s or more"
        + " (longest 12.0 s)");
    // The log tail keeps the newest lines.
    assertThat(all).contains("line 39").doesNotContain("line 0\n");
    assertThat(screen.get(39)).contains("Ctrl-C stops the run");
  }

  @Test
  void eightyColumns_keepAvgAndThePercentiles_andStackErrorsOverWorkers() {
    List<String> screen = text(new DashboardView(false).render(
        model(live(LiveMetrics.Phase.PROFILING, List.of()), List.of()), 80, 24));
    assertThat(screen).hasSize(24).allSatisfy(l -> assertThat(l.length()).isLessThan(80));
    assertThat(screen).anySatisfy(l -> assertThat(l).matches(" Metric +avg +p99 +p90 +p50"));
    assertThat(screen).anySatisfy(l -> assertThat(l).startsWith("- Errors by type -"));
    assertThat(screen).anySatisfy(l -> assertThat(l).startsWith("- Workers -"));
    assertThat(screen.get(1)).contains("[", "#", "-]");
  }

  @Test
  void aLongTableOnAShortScreen_saysHowManyRowsItLeftOut() {
    List<MetricResult> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(dist("m" + i, "Metric " + i, "ms", i + 1));
    }
    LiveMetrics live = new LiveMetrics(LiveMetrics.Phase.PROFILING, Duration.ofSeconds(5), 0,
        many, List.of(), List.of(), List.of());
    List<String> screen = text(new DashboardView(true).render(model(live, List.of()), 100, 24));
    assertThat(screen).hasSize(24);
    assertThat(String.join("\n", screen)).containsPattern("\\(\\d+ more rows: enlarge the"
        + " terminal\\)").contains("Metric 0 (ms)");
    assertThat(screen).anySatisfy(l -> assertThat(l).contains("Log"));
  }

  @Test
  void warnings_areWrappedAndCapped() {
    String longWarning = "word ".repeat(200).trim();
    List<String> screen = text(new DashboardView(true).render(
        model(live(LiveMetrics.Phase.PROFILING, List.of(longWarning)), List.of()), 100, 30));
    assertThat(screen).filteredOn(l -> l.startsWith(" ! ") || l.startsWith("   word"))
        .hasSizeLessThanOrEqualTo(4);
    assertThat(String.join("\n", screen)).contains("(all in the final table)");
  }

  @Test
  void beforeTheFirstSnapshot_itSaysItIsStarting_andAfterCtrlC_thatItIsCancelling() {
    List<String> starting = text(new DashboardView(true).render(new DashboardView.Model(null,
        null, null, null, false, List.of(), Duration.ZERO), 90, 24));
    assertThat(starting.get(1)).contains("Starting", "preparing the dataset and the workers");
    assertThat(String.join("\n", starting)).contains("Metrics (none yet");

    List<String> cancelling = text(new DashboardView(true).render(new DashboardView.Model(
        CONFIG, progress(200), live(LiveMetrics.Phase.PROFILING, List.of()),
        "Interrupted: no new requests", true, List.of(), Duration.ofSeconds(10)), 90, 24));
    assertThat(cancelling.get(1)).contains("Cancelling").doesNotContain("ETA");
    assertThat(cancelling.get(23)).contains("Interrupted: no new requests");
  }

  @Test
  void warmup_showsItsOwnCount() {
    BenchmarkConfig warm = CONFIG.toBuilder().warmupRequestCount(40).build();
    LiveMetrics live = new LiveMetrics(LiveMetrics.Phase.WARMUP, Duration.ZERO, 10, List.of(),
        List.of(), List.of(), List.of());
    List<String> screen = text(new DashboardView(true).render(new DashboardView.Model(warm,
        progress(0), live, null, false, List.of(), Duration.ZERO), 90, 24));
    assertThat(screen.get(1)).contains("Warmup", "10 / 40 warmup requests done");
  }

  @Test
  void aTimedRun_countsDownItsDuration_thenItsGracePeriod() {
    BenchmarkConfig timed = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo"))
        .concurrency(4).benchmarkDuration(Duration.ofSeconds(60)).build();
    BenchmarkProgress p = new BenchmarkProgress(50, 0, -1, 4, 0, Duration.ZERO, Duration.ZERO,
        Duration.ZERO);
    LiveMetrics at20 = new LiveMetrics(LiveMetrics.Phase.PROFILING, Duration.ofSeconds(20), 0,
        List.of(), List.of(), List.of(), List.of());
    assertThat(DashboardView.eta(new DashboardView.Model(timed, p, at20, null, false, List.of(),
        Duration.ZERO))).contains("00:40");
    LiveMetrics at70 = new LiveMetrics(LiveMetrics.Phase.PROFILING, Duration.ofSeconds(70), 0,
        List.of(), List.of(), List.of(), List.of());
    assertThat(DashboardView.eta(new DashboardView.Model(timed, p, at70, null, false, List.of(),
        Duration.ZERO))).contains("grace period (30.0 s)");
  }

  @Test
  void tooSmall_saysWhatItNeeds() {
    List<String> screen = text(new DashboardView(true).render(new DashboardView.Model(null,
        null, null, null, false, List.of(), Duration.ZERO), 60, 10));
    assertThat(screen).hasSize(10);
    assertThat(screen.get(0)).startsWith("Terminal too small (60x10): the dashboard needs 80x24");
    assertThat(DashboardView.fits(80, 24)).isTrue();
    assertThat(DashboardView.fits(79, 24)).isFalse();
    assertThat(DashboardView.fits(80, 23)).isFalse();
  }

  @Test
  void numbers_keepTheirColumn() {
    assertThat(DashboardView.num(1234.5)).isEqualTo("1,234.50");
    assertThat(DashboardView.num(12_345_678.9)).isEqualTo("12,345,679");
    assertThat(DashboardView.num(1.5e12)).isEqualTo("1.500e+12");
    assertThat(DashboardView.clock(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
    assertThat(DashboardView.clock(Duration.ofSeconds(65))).isEqualTo("01:05");
  }
}
