package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aiperf plot} and {@code aiperf report} on real runs: one made by aiperf-java against its
 * mock, one with injected errors, both together with a real AIPerf 0.13 run (kept in the test
 * resources), and the HTML report opened in headless Chromium.
 */
final class PlotAndReportIT {
  static final Path AIPERF_RUN = Path.of("src/test/resources/aiperf-0.13/chat-stream-c4");
  /** A real AIPerf 0.13 run with GPU telemetry and server metrics (see its README). */
  static final Path AIPERF_TELEMETRY_RUN =
      Path.of("src/test/resources/aiperf-0.13/chat-telemetry-c4");
  /** Kept after the build, as the test's artifact: what the report looked like. */
  static final Path SCREENSHOTS = Path.of("target/report-screenshots");

  @TempDir
  static Path runs;
  static Path ok;
  static Path errors;

  private record Run(int exitCode, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void makeRuns() {
    ok = runs.resolve("c4");
    Run a = aiperf("profile", "--url", "mock", "-m", "demo", "--streaming", "--concurrency", "4",
        "--request-count", "120", "--isl", "64", "--isl-stddev", "16", "--osl", "24",
        "--osl-stddev", "8", "--mock-ttft", "5", "--mock-itl", "1", "--slice-duration", "0.25",
        "--goodput", "time_to_first_token:50", "--artifact-dir", ok.toString(), "--ui", "none");
    assertThat(a.exitCode()).as(a.err()).isZero();
    errors = runs.resolve("c8-errors");
    Run b = aiperf("profile", "--url", "mock", "-m", "demo", "--streaming", "--concurrency", "8",
        "--request-count", "160", "--isl", "64", "--osl", "24", "--mock-ttft", "5",
        "--mock-itl", "1", "--mock-error-rate", "25", "--slo", "time_to_first_token.p99<1ms",
        "--artifact-dir", errors.toString(), "--ui", "none");
    assertThat(b.exitCode()).as(b.err()).isEqualTo(AiperfCommand.EXIT_SLO);
  }

  private static List<Path> pngs(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }

  /** Each file decodes, and its pixels vary: something was drawn on it. */
  private static void assertDrawn(List<Path> files) throws IOException {
    assertThat(files).isNotEmpty();
    for (Path png : files) {
      BufferedImage img = ImageIO.read(png.toFile());
      assertThat(img).as("%s decodes", png).isNotNull();
      assertThat(variance(img)).as("pixel variance of %s", png).isGreaterThan(100);
    }
  }

  private static double variance(BufferedImage img) {
    double sum = 0;
    double sq = 0;
    long n = (long) img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        double v = ((rgb >> 16) & 0xff) * 0.3 + ((rgb >> 8) & 0xff) * 0.59 + (rgb & 0xff) * 0.11;
        sum += v;
        sq += v * v;
      }
    }
    return sq / n - (sum / n) * (sum / n);
  }

  /** Pixels close to the colour errors are drawn in (#d62728). */
  private static long errorPixels(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        if (Math.abs(((rgb >> 16) & 0xff) - 0xd6) < 20 && Math.abs(((rgb >> 8) & 0xff) - 0x27)
            < 20 && Math.abs((rgb & 0xff) - 0x28) < 20) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void plot_anAiperfJavaRun_drawsEveryChart(@TempDir Path out) throws IOException {
    Run run = aiperf("plot", ok.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Saved ").contains(" charts to " + out);
    assertThat(pngs(out)).extracting(p -> p.getFileName().toString()).contains(
        "request_timeline.png", "ttft_percentiles_over_time.png",
        "latency_percentiles_over_time.png", "throughput_over_time.png",
        "in_flight_over_time.png", "ttft_histogram.png", "latency_histogram.png",
        "itl_histogram.png", "isl_histogram.png", "osl_histogram.png", "isl_vs_latency.png",
        "osl_vs_latency.png", "timeslices_latency.png", "timeslices_throughput.png");
    assertDrawn(pngs(out));
  }

  @Test
  void plot_aRunWithErrors_marksThem(@TempDir Path out) throws IOException {
    Run run = aiperf("plot", errors.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertDrawn(pngs(out));
    assertThat(errorPixels(out.resolve("request_timeline.png"))).isGreaterThan(100);
    assertThat(errorPixels(out.resolve("throughput_over_time.png"))).isGreaterThan(100);
  }

  @Test
  void plot_theRealAiperfRun(@TempDir Path out) throws IOException {
    Run run = aiperf("plot", AIPERF_RUN.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("Note:");
    assertThat(pngs(out)).extracting(p -> p.getFileName().toString()).contains(
        "request_timeline.png", "latency_histogram.png", "timeslices_latency.png");
    assertDrawn(pngs(out));
  }

  @Test
  void plot_theRealAiperfRunWithTelemetry_drawsGpuAndServerTimelines(@TempDir Path out)
      throws IOException {
    Run run = aiperf("plot", AIPERF_TELEMETRY_RUN.toString(), "-o", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("Note:");
    assertThat(pngs(out)).extracting(p -> p.getFileName().toString()).contains(
        "gpu_nvidia_gpu_utilization.png", "gpu_nvidia_power_usage.png",
        "gpu_nvidia_temperature.png", "server_vllm_num_requests_running.png",
        "server_vllm_prompt_tokens.png", "server_vllm_e2e_request_latency_seconds.png",
        "server_DCGM_FI_DEV_GPU_UTIL.png", "request_timeline.png");
    assertDrawn(pngs(out));
  }

  @Test
  void plot_severalRuns_comparesThem(@TempDir Path out) throws IOException {
    Run run = aiperf("plot", ok.toString(), errors.toString(), AIPERF_RUN.toString(), "-o",
        out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(out.resolve("c4/request_timeline.png")).exists();
    assertThat(out.resolve("c8-errors/request_timeline.png")).exists();
    assertThat(out.resolve("chat-stream-c4/request_timeline.png")).exists();
    assertThat(out.resolve("pareto_throughput_vs_latency.png")).exists();
    assertThat(out.resolve("pareto_throughput_per_user_vs_total.png")).exists();
    assertThat(out.resolve("latency_percentiles_by_run.png")).exists();
    assertDrawn(pngs(out));
  }

  @Test
  void plot_aDirectoryWithoutExports_namesIt_andFails(@TempDir Path dir) {
    Run run = aiperf("plot", dir.toString(), "-o", dir.resolve("plots").toString());
    assertThat(run.exitCode()).isEqualTo(AiperfCommand.EXIT_FAILED);
    assertThat(run.err()).contains("Note: " + dir + " holds no export of a run",
        "Error: no chart could be drawn from the given directories");
  }

  @Test
  void plot_aGoodAndAnEmptyDirectory_drawsTheGoodOne(@TempDir Path dir) throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run run = aiperf("plot", ok.toString(), empty.toString(), "-o", dir.resolve("p").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Note: " + empty + " holds no export of a run");
    assertDrawn(pngs(dir.resolve("p/c4")));
  }

  @Test
  void profile_autoPlot_writesThePngsAndTheReport(@TempDir Path dir) throws IOException {
    Run run = aiperf("profile", "--url", "mock", "-m", "demo", "--request-count", "20",
        "--osl", "8", "--isl", "16", "--mock-ttft", "2", "--mock-itl", "1", "--auto-plot",
        "--artifact-dir", dir.toString(), "--ui", "none");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Plots: ", " PNG charts in " + dir.resolve("plots"),
        "report: " + dir.resolve("report.html"));
    assertDrawn(pngs(dir.resolve("plots")));
    assertThat(Files.readString(dir.resolve("report.html"))).contains("aiperf report",
        "id=\"run0-request_timeline\"");
  }

  @Test
  void report_badSlo_isAUsageError(@TempDir Path dir) {
    Run run = aiperf("report", ok.toString(), "--slo", "ttft<<2", "-o",
        dir.resolve("r.html").toString());
    assertThat(run.exitCode()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(run.err()).contains("Error: SLO was 'ttft<<2' but it must look like");
  }

  /** Opens the report of all four runs in Chromium, offline; every chart must have drawn. */
  @Test
  void report_opensInABrowser_offline_everyChartDrawn(@TempDir Path dir) throws Exception {
    Path browser = Chromium.find();
    assumeTrue(browser != null, "chromium is not installed (apt-get install chromium; .ci/run"
        + " installs it): the report cannot be opened in a browser here");
    Path html = dir.resolve("report.html");
    Run run = aiperf("report", ok.toString(), errors.toString(), AIPERF_RUN.toString(),
        AIPERF_TELEMETRY_RUN.toString(), "-o", html.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    int charts = Integer.parseInt(run.out().replaceAll("(?s)^Saved (\\d+) .*", "$1"));
    assertThat(charts).isGreaterThanOrEqualTo(60);
    assertOpensAndDraws(browser, html, charts, dir.resolve("chromium"));
    Files.createDirectories(SCREENSHOTS);
    Path shot = SCREENSHOTS.resolve("report-four-runs.png");
    Chromium.Result r = Chromium.screenshot(browser, html, shot, 2600, dir.resolve("shot"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(variance(ImageIO.read(shot.toFile()))).isGreaterThan(100);
  }

  /** 100,000 requests: the page stays small and draws everything in the browser. */
  @Test
  void report_ofAHundredThousandRequests_staysUsable(@TempDir Path dir) throws Exception {
    Path browser = Chromium.find();
    assumeTrue(browser != null, "chromium is not installed (apt-get install chromium; .ci/run"
        + " installs it): the report cannot be opened in a browser here");
    Path big = dir.resolve("big");
    Files.createDirectories(big);
    Files.copy(ok.resolve("profile_export_aiperf.json"), big.resolve("profile_export_aiperf.json"));
    writeRequests(big.resolve("profile_export.jsonl"), 100_000);
    Path html = dir.resolve("report.html");
    Run run = aiperf("report", big.toString(), "-o", html.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.size(html)).isLessThan(3_000_000);
    assertThat(Files.readString(html)).containsPattern("Shows [0-9,]+ of 99,000 successful"
        + " requests");
    int charts = Integer.parseInt(run.out().replaceAll("(?s)^Saved (\\d+) .*", "$1"));
    long t0 = System.currentTimeMillis();
    assertOpensAndDraws(browser, html, charts, dir.resolve("chromium"));
    assertThat(System.currentTimeMillis() - t0).as("ms to open and draw").isLessThan(120_000);
    Files.createDirectories(SCREENSHOTS);
    Chromium.screenshot(browser, html, SCREENSHOTS.resolve("report-100k-requests.png"), 1800,
        dir.resolve("shot"));
  }

  private static void assertOpensAndDraws(Path browser, Path html, int charts, Path work)
      throws Exception {
    Chromium.Result r = Chromium.dumpDom(browser, html, work);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.consoleLines()).as("console messages").isEmpty();
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(r.stdout());
    assertThat(body.find()).as("the DOM has a body").isTrue();
    String attrs = body.group(1);
    assertThat(attrs).contains("data-ready=\"true\"", "data-console-errors=\"[]\"",
        "data-charts-total=\"" + charts + "\"", "data-charts-drawn=\"" + charts + "\"",
        "data-charts-blank=\"0\"");
    // Each chart's container, one by one: it drew coloured pixels (its series) on its canvas.
    Matcher each = Pattern.compile("class=\"plot\" id=\"([^\"]+)\"([^>]*)>").matcher(r.stdout());
    int seen = 0;
    while (each.find()) {
      seen++;
      assertThat(each.group(2)).as(each.group(1)).contains("data-drawn=\"true\"");
      assertThat(r.stdout()).contains("<canvas");
    }
    assertThat(seen).isEqualTo(charts);
  }

  /** Requests one every 0.1 ms, latency 20 to 120 ms, every 100th an HTTP 503. */
  private static void writeRequests(Path file, int n) throws IOException {
    long t0 = 1_796_000_000_000_000_000L;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        long start = t0 + i * 100_000L;
        double latency = 20 + (i * 7919 % 1000) / 10.0;
        long end = start + (long) (latency * 1e6);
        String meta = String.format(Locale.ROOT, "\"metadata\":{\"request_start_ns\":%d,"
            + "\"request_end_ns\":%d,\"benchmark_phase\":\"profiling\"}", start, end);
        if (i % 100 == 99) {
          w.write("{" + meta + ",\"error\":{\"code\":503,\"type\":\"Service Unavailable\"}}\n");
        } else {
          w.write(String.format(Locale.ROOT, "{%s,\"metrics\":{\"time_to_first_token\":{\"value\":"
              + "%.3f},\"request_latency\":{\"value\":%.3f},\"inter_token_latency\":{\"value\":"
              + "1.5},\"input_sequence_length\":{\"value\":%d},\"output_sequence_length\":"
              + "{\"value\":%d}}}%n", meta, latency / 5, latency, 100 + i % 400, 20 + i % 60));
        }
      }
    }
  }
}
