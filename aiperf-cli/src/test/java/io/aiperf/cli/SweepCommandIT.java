package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated runs, sweeps and the SLO search as a user types them, in-process. */
final class SweepCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int exitCode, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** A short streaming profile against the embedded mock, plus the test's own flags. */
  private static Run profile(Path dir, String... more) {
    String[] base = {"profile", "--url", "mock", "--model", "demo", "--streaming", "--isl", "16",
        "--osl", "4", "--mock-ttft", "2", "--mock-itl", "1", "--ui", "none", "--artifact-dir",
        dir.toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return aiperf(all);
  }

  @Test
  void aSweepOfThreeConcurrencies_writesTheSweepFiles_andOneTableRowPerPoint(@TempDir Path dir)
      throws Exception {
    Run run = profile(dir, "--concurrency", "1,2,4", "--request-count", "8");

    assertThat(run.exitCode()).as(run.err()).isZero();
    for (String point : new String[] {"concurrency_1", "concurrency_2", "concurrency_4"}) {
      assertThat(dir.resolve(point).resolve("profile_export_aiperf.json")).exists();
    }
    JsonNode sweep = JSON.readTree(
        dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.json").toFile());
    assertThat(sweep.get("per_combination_metrics")).hasSize(3);
    assertThat(sweep.at("/per_combination_metrics/2/parameters/concurrency").asInt()).isEqualTo(4);
    assertThat(dir.resolve("sweep_aggregate/profile_export_aiperf_sweep.csv")).exists();
    assertThat(run.out()).contains("Sweep (3 points");
    String table = run.out().substring(run.out().indexOf("Sweep (3 points"));
    assertThat(table.lines().filter(l -> l.matches("^(1|2|4) .*"))).hasSize(3);
  }

  @Test
  void threeRepeatedRuns_keepTheirOwnDirectories_andWriteTheAggregate(@TempDir Path dir)
      throws Exception {
    Run run = profile(dir, "--concurrency", "2", "--request-count", "8", "--num-profile-runs", "3",
        "--confidence-level", "0.9");

    assertThat(run.exitCode()).as(run.err()).isZero();
    for (int i = 1; i <= 3; i++) {
      assertThat(dir.resolve("profile_runs/run_000" + i + "/profile_export_aiperf.json")).exists();
    }
    JsonNode agg = JSON.readTree(
        dir.resolve("aggregate/profile_export_aiperf_aggregate.json").toFile());
    assertThat(agg.at("/metadata/num_profile_runs").asInt()).isEqualTo(3);
    assertThat(agg.at("/metadata/confidence_level").asDouble()).isEqualTo(0.9);
    JsonNode ttft = agg.at("/metrics/time_to_first_token_avg");
    assertThat(ttft.get("ci_low").asDouble()).isLessThanOrEqualTo(ttft.get("mean").asDouble());
    assertThat(ttft.get("ci_high").asDouble()).isGreaterThanOrEqualTo(ttft.get("mean").asDouble());
    assertThat(Files.readString(dir.resolve("aggregate/profile_export_aiperf_aggregate.csv")))
        .contains("time_to_first_token_avg,").contains("Confidence Level,0.9");
  }

  /**
   * Four decode slots: up to four users never queue (TTFT 10 ms); at eight each waits about a
   * whole request (10 + 8 x 3.5 ms), far past the 40 ms goodput limit, so nearly none is good.
   */
  @Test
  void aSearchWithTheGoodputForm_findsTheHighestConcurrencyMeetingIt(@TempDir Path dir)
      throws Exception {
    Run run = aiperf("profile", "--url", "mock", "--model", "demo", "--streaming", "--isl", "16",
        "--osl", "8", "--mock-ttft", "10", "--mock-itl", "2", "--mock-slots", "4",
        "--mock-itl-per-request-ms", "0.5", "--request-count", "40", "--warmup-request-count", "4",
        "--ui", "none", "--goodput", "time_to_first_token:40", "--slo-attainment-fraction", "0.5",
        "--search-concurrency-range", "1,16", "--search-max-runs-per-point", "1",
        "--artifact-dir", dir.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode search = JSON.readTree(
        dir.resolve("sweep_aggregate/profile_export_aiperf_search.json").toFile());
    assertThat(search.get("outcome").asText()).isEqualTo("found");
    assertThat(search.at("/objectives/goodput/time_to_first_token").asDouble()).isEqualTo(40.0);
    assertThat(search.get("answer").asDouble()).isBetween(4.0, 7.0);
    assertThat(search.get("points").findValuesAsText("verdict"))
        .contains("meets", "fails");
    assertThat(run.out()).contains("Highest concurrency meeting the objectives");
  }

  /**
   * A sweep's own files chart it: `aiperf plot` and `aiperf report` on the sweep's directory
   * draw the Pareto and latency against throughput with the runs' intervals; the page draws
   * every chart in a browser.
   */
  @Test
  void plotAndReport_ofASweepDirectory_drawItsCharts(@TempDir Path dir) throws Exception {
    Path sweep = dir.resolve("sweep");
    Run run = profile(sweep, "--concurrency", "1,2,4", "--request-count", "8",
        "--num-profile-runs", "2");
    assertThat(run.exitCode()).as(run.err()).isZero();

    Run plot = aiperf("plot", sweep.toString(), "-o", dir.resolve("plots").toString());
    assertThat(plot.exitCode()).as(plot.err()).isZero();
    for (String chart : new String[] {"sweep_pareto_throughput_vs_latency",
        "sweep_latency_vs_throughput"}) {
      Path png = dir.resolve("plots").resolve(chart + ".png");
      var img = ImageIO.read(png.toFile());
      assertThat(img).as("%s decodes", png).isNotNull();
      assertThat(variance(img)).as("pixel variance of %s", png).isGreaterThan(100);
      Files.createDirectories(PlotAndReportIT.SCREENSHOTS);
      Files.copy(png, PlotAndReportIT.SCREENSHOTS.resolve(chart + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path html = dir.resolve("report.html");
    Run report = aiperf("report", sweep.toString(), "-o", html.toString());
    assertThat(report.exitCode()).as(report.err()).isZero();
    assertThat(Files.readString(html)).contains("id=\"sweep0-sweep_latency_vs_throughput\"",
        "id=\"sweep0-sweep_pareto_throughput_vs_latency\"", "sweep: 3 points");

    Path browser = Chromium.find();
    assumeTrue(browser != null, "chromium is not installed: the page cannot be opened here");
    Chromium.Result r = Chromium.dumpDom(browser, html, dir.resolve("chromium"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.consoleLines()).as("console messages").isEmpty();
    Matcher each = Pattern.compile("class=\"plot\" id=\"([^\"]+)\"([^>]*)>").matcher(r.stdout());
    int seen = 0;
    while (each.find()) {
      seen++;
      assertThat(each.group(2)).as(each.group(1)).contains("data-drawn=\"true\"");
    }
    assertThat(seen).isEqualTo(2);
    assertThat(r.stdout()).contains("data-charts-blank=\"0\"", "data-console-errors=\"[]\"");
  }

  private static double variance(java.awt.image.BufferedImage img) {
    double sum = 0;
    double sq = 0;
    long n = (long) img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        double v = ((rgb >> 16) & 0xff) * 0.299 + ((rgb >> 8) & 0xff) * 0.587 + (rgb & 0xff) * 0.114;
        sum += v;
        sq += v * v;
      }
    }
    double mean = sum / n;
    return sq / n - mean * mean;
  }

  @Test
  void aSearchCannotUseAFloorOnThroughput_andSaysWhichFlag(@TempDir Path dir) {
    Run run = profile(dir, "--request-count", "4", "--search-rate-range", "5,50",
        "--slo", "request_throughput>=20");

    assertThat(run.exitCode()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(run.err()).contains("--slo was 'request_throughput>=20' but a search cannot use it")
        .contains("rises with the load");
    assertThat(dir.resolve("sweep_aggregate")).doesNotExist();
  }

  @Test
  void badListsAndLevels_exitTwo_namingTheFlag(@TempDir Path dir) {
    Run empty = profile(dir, "--concurrency", "", "--request-count", "4");
    assertThat(empty.exitCode()).as(empty.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(empty.err()).contains("--concurrency was ''").contains("at least one number");

    Run word = profile(dir, "--concurrency", "1,two,4", "--request-count", "4");
    assertThat(word.exitCode()).as(word.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(word.err()).contains("--concurrency was '1,two,4'")
        .contains("'two' is not a number");

    Run level = profile(dir, "--num-profile-runs", "2", "--confidence-level", "1.5",
        "--request-count", "4");
    assertThat(level.exitCode()).as(level.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(level.err()).contains("--confidence-level was '1.5'").contains("between 0 and 1");

    Run rate = profile(dir, "--request-rate", "5,", "--request-count", "4");
    assertThat(rate.exitCode()).as(rate.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(rate.err()).contains("--request-rate was '5,'");

    Run zero = profile(dir, "--concurrency", "4,0", "--request-count", "4");
    assertThat(zero.exitCode()).as(zero.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(zero.err()).contains("--concurrency was '0' but every value must be a number > 0");
    assertThat(dir).isEmptyDirectory();
  }

  /**
   * As AIPerf, a level outside (0, 1) is refused even for one run, together with the other bad
   * multi-run and search flags, before anything starts: not even the embedded mock.
   */
  @Test
  void badMultiRunFlags_areAllReported_beforeTheMockStarts(@TempDir Path dir) {
    Run one = profile(dir, "--request-count", "4", "--confidence-level", "1");
    assertThat(one.exitCode()).as(one.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(one.err()).contains("Error: --confidence-level was '1.0' but it must be between 0"
        + " and 1 (exclusive), e.g. 0.95").doesNotContain("Started the embedded mock");

    Run many = profile(dir, "--request-count", "4", "--num-profile-runs", "11",
        "--confidence-level", "-0.5", "--profile-run-cooldown-seconds", "-1",
        "--search-rate-range", "1,10", "--ttft-sla-ms", "0");
    assertThat(many.exitCode()).as(many.err()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(many.err()).contains("--confidence-level was '-0.5'",
        "--num-profile-runs was '11' but it must be 1 to 10",
        "--profile-run-cooldown-seconds was '-1.0' but it must be a number of seconds >= 0",
        "--ttft-sla-ms was '0.0' but it must be a number of milliseconds > 0")
        .doesNotContain("Started the embedded mock");
    assertThat(dir).isEmptyDirectory();
  }

  /** A short search against a 2-slot mock whose TTFT is 10 ms: 20 and 40 requests a point. */
  private static Run search(Path dir, String range, String ttftSlaMs) {
    return aiperf("profile", "--url", "mock", "--model", "demo", "--streaming", "--isl", "16",
        "--osl", "4", "--mock-ttft", "10", "--mock-itl", "1", "--mock-slots", "2", "--ui", "none",
        "--benchmark-duration", "2", "--search-max-runs-per-point", "1",
        "--slo-attainment-fraction", "0.8", "--search-rate-range", range, "--ttft-sla-ms",
        ttftSlaMs, "--artifact-dir", dir.toString());
  }

  @Test
  void aSearchFailingAtTheLowestLoad_saysSo_withThePointMeasured(@TempDir Path dir)
      throws Exception {
    Run run = search(dir, "10,20", "2");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(AiperfCommand.EXIT_SLO);
    assertThat(run.out()).contains("The objectives failed already at the lowest load, 10.00"
        + " req/s").containsPattern("10\\.00 req/s FAILS +good=0\\.\\d+ +runs=1");
    assertThat(run.err()).contains("The search ended never_met after 1 point(s): lower the bottom"
        + " of --search-rate-range '10,20' or relax the objectives");
    JsonNode search = JSON.readTree(
        dir.resolve("sweep_aggregate/profile_export_aiperf_search.json").toFile());
    assertThat(search.get("outcome").asText()).isEqualTo("never_met");
    assertThat(search.get("points")).hasSize(1);
    assertThat(search.at("/points/0/verdict").asText()).isEqualTo("fails");
  }

  @Test
  void aSearchHoldingUpToTheTop_saysSo_withEveryPointMeasured(@TempDir Path dir)
      throws Exception {
    Run run = search(dir, "10,20", "5000");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(AiperfCommand.EXIT_SLO);
    assertThat(run.out()).contains("The objectives held up to the highest load, 20.00 req/s")
        .containsPattern("10\\.00 req/s MEETS").containsPattern("20\\.00 req/s MEETS");
    assertThat(run.err()).contains("The search ended always_met after 2 point(s): raise the top"
        + " of --search-rate-range '10,20'");
    JsonNode search = JSON.readTree(
        dir.resolve("sweep_aggregate/profile_export_aiperf_search.json").toFile());
    assertThat(search.get("outcome").asText()).isEqualTo("always_met");
    assertThat(search.get("points").findValuesAsText("verdict")).containsExactly("meets",
        "meets");
  }
}
