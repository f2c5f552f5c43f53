package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ReportOutput;
import io.aiperf.api.Reports;
import io.aiperf.api.Slo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HtmlReportTest {
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"aiperf-data\">(.*?)</script>", Pattern.DOTALL);

  @Test
  void page_isSelfContained_andShowsConfigErrorsSlosAndWarnings(@TempDir Path dir)
      throws Exception {
    Path run = TestRuns.run(dir.resolve("run"), 500, 10);
    Path file = dir.resolve("out/report.html");
    ReportOutput out = Reports.of(run).slos(List.of(Slo.parse("request_latency.p99<=150ms")))
        .writeHtml(file);
    assertThat(out.files()).containsExactly(file);
    assertThat(out.charts()).isGreaterThanOrEqualTo(10);
    String page = Files.readString(file);
    // Nothing is fetched: no external script, style, image or font.
    assertThat(page).doesNotContainPattern("(src|href)\\s*=\\s*\"(https?:)?//")
        .doesNotContainPattern("url\\((https?:)?//").doesNotContain("@import");
    assertThat(page).contains("uPlot 1.6.30", "The MIT License (MIT)", "Leon Sorokin");
    // What the run's files hold is escaped, never run.
    assertThat(page).doesNotContain("<script>alert(1)</script>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(page).contains("a warning the run wrote", "Internal Server Error", "injected",
        "time_to_first_token", "aiperf profile --url &#39;mock&#39;");
    // --slo on the recorded command line, and the one given to the report.
    assertThat(page).containsPattern("time_to_first_token.p99 &lt; 30</td><td class=\"l\">"
        + "run&#39;s --slo</td><td>20 ms</td><td class=\"l pass\">holds")
        .containsPattern("request_latency.avg &lt; 50</td><td class=\"l\">run&#39;s --slo</td>"
            + "<td>100.5 ms</td><td class=\"l fail\">broken")
        .containsPattern("request_latency.p99 &lt;= 150</td><td class=\"l\">report</td>"
            + "<td>102 ms</td><td class=\"l pass\">holds");
  }

  /** 100,000 requests: every chart stays within its point budget, and the page says so. */
  @Test
  void hundredThousandRequests_areAggregatedBeforeThePage(@TempDir Path dir) throws Exception {
    Path run = TestRuns.run(dir.resolve("big"), 100_000, 50);
    Path file = dir.resolve("report.html");
    long t0 = System.currentTimeMillis();
    Reports.of(run).writeHtml(file);
    assertThat(System.currentTimeMillis() - t0).as("ms to write").isLessThan(60_000);
    String page = Files.readString(file);
    assertThat(Files.size(file)).isLessThan(3_000_000);
    assertThat(page).contains("A chart with a point per request shows at most 5,000 points")
        .containsPattern("Shows [0-9,]+ of 98,000 successful requests");
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).isTrue();
    JsonNode charts = new ObjectMapper().readTree(m.group(1).replace("<\\/", "</"))
        .get("charts");
    assertThat(charts.size()).isGreaterThanOrEqualTo(10);
    for (JsonNode c : charts) {
      assertThat(c.get("data").get(0).size()).as(c.get("el").asText()).isLessThanOrEqualTo(5_000);
    }
  }

  @Test
  void emptyDirectory_givesAPageThatSaysWhy(@TempDir Path dir) throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    ReportOutput out = Reports.of(empty).writeHtml(dir.resolve("r.html"));
    assertThat(out.charts()).isZero();
    assertThat(out.notes()).anySatisfy(n -> assertThat(n).startsWith(empty + " holds no export"));
    assertThat(Files.readString(dir.resolve("r.html"))).contains("Nothing to chart",
        empty + " holds no export");
  }
}
