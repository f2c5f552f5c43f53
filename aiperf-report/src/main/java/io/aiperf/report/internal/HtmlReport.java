package io.aiperf.report.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.aiperf.api.Slo;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The single-file HTML report: uPlot's script and style, the page script, the chart data and every
 * table inlined, so the page needs no network when it is opened. The JVM aggregates; the page only
 * draws what it is given.
 */
final class HtmlReport {
  private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
  private static final String WEBJAR_POM =
      "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final List<RunData> runs;
  private final List<SweepCharts.Sweep> sweeps;
  private final List<Slo> slos;
  private final int budget;
  private final List<String> notes = new ArrayList<>();
  private int charts;

  HtmlReport(List<RunData> runs, List<SweepCharts.Sweep> sweeps, List<Slo> slos, int budget) {
    this.runs = List.copyOf(runs);
    this.sweeps = List.copyOf(sweeps);
    this.slos = List.copyOf(slos);
    this.budget = budget;
  }

  /** Notes on the input gathered while the page was built. */
  List<String> notes() {
    return notes;
  }

  int charts() {
    return charts;
  }

  String render() throws IOException {
    String version = uPlotVersion();
    StringBuilder h = new StringBuilder(1 << 20);
    StringWriter data = new StringWriter(1 << 20);
    JsonGenerator g = new JsonFactory().createGenerator(data);
    g.writeStartObject();
    g.writeArrayFieldStart("charts");
    List<String> all = new ArrayList<>(sweeps.stream().map(SweepCharts.Sweep::name).toList());
    runs.forEach(r -> all.add(r.name()));
    String names = String.join(", ", all);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>aiperf report: ").append(RunSection.esc(names)).append("</title>\n")
        .append("<script>").append(resource("errors.js")).append("</script>\n")
        .append("<style>\n").append(webjar(version, "dist/uPlot.min.css")).append('\n')
        .append(resource("report.css")).append("</style>\n</head>\n<body>\n");
    h.append("<header><h1>aiperf report</h1><p>").append(all.size() == 1 ? "Run: " : "Runs: ")
        .append(RunSection.esc(names)).append("</p><p>Written ")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
            "yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)))
        .append(" by aiperf-java. Drag across a chart to zoom, double-click to reset; click a"
            + " legend entry to hide its series.</p></header>\n");
    h.append("<nav>");
    for (int i = 0; i < sweeps.size(); i++) {
      h.append("<a href=\"#sweep-").append(i).append("\">").append(RunSection.esc(sweeps.get(i)
          .name())).append("</a>");
    }
    if (runs.size() > 1) {
      h.append("<a href=\"#compare\">Comparison</a>");
    }
    for (int i = 0; i < runs.size(); i++) {
      h.append("<a href=\"#run-").append(i).append("\">").append(RunSection.esc(runs.get(i)
          .name())).append("</a>");
    }
    h.append("</nav>\n<section><p class=\"note\" id=\"aggregation-note\">")
        .append(RunSection.esc(String.format(Locale.ROOT, "Every statistic, histogram, percentile"
            + " band and throughput curve is computed by the JVM from all of a run's requests;"
            + " the page receives only what it draws. A chart with a point per request shows at"
            + " most %,d points: above that it shows an even sample plus the slowest requests,"
            + " and says so under its title.", budget)))
        .append("</p></section>\n");
    for (int i = 0; i < sweeps.size(); i++) {
      SweepCharts.Sweep sweep = sweeps.get(i);
      h.append("<section id=\"sweep-").append(i).append("\"><h2>")
          .append(RunSection.esc(sweep.name())).append(": ")
          .append(sweep.points().size()).append(sweep.points().size() == 1 ? " configuration"
              : " points").append("</h2>\n<p class=\"note\">From ")
          .append(RunSection.esc(sweep.source().toString())).append(".</p>\n");
      chartGrid(h, g, SweepCharts.charts(sweep), "sweep" + i + "-");
      h.append("</section>\n");
    }
    if (runs.size() > 1) {
      h.append("<section id=\"compare\"><h2>Comparison of ").append(runs.size())
          .append(" runs</h2>\n");
      comparisonTable(h);
      chartGrid(h, g, Charts.compare(runs), "cmp-");
      h.append("</section>\n");
    }
    for (int i = 0; i < runs.size(); i++) {
      RunData run = runs.get(i);
      Charts.ForRun set = Charts.single(run, budget);
      h.append("<section id=\"run-").append(i).append("\"><h2>")
          .append(RunSection.esc(run.name())).append("</h2>\n");
      RunSection.facts(h, run);
      h.append("<h3>Warnings</h3>\n");
      RunSection.warningList(h, RunSection.warnings(run, set.notes()));
      h.append("<h3>SLO results</h3>\n");
      RunSection.slos(h, run, slos, notes);
      h.append("<h3>Errors</h3>\n");
      RunSection.errors(h, run);
      h.append("<h3>Charts</h3>\n");
      if (set.charts().isEmpty()) {
        h.append("<p class=\"note\">Nothing to chart: see the warnings above.</p>\n");
      }
      chartGrid(h, g, set.charts(), "run" + i + "-");
      h.append("<h3>Metrics</h3>\n");
      RunSection.metrics(h, run);
      h.append("<h3>Configuration</h3>\n");
      RunSection.configuration(h, run);
      h.append("</section>\n");
      notes.addAll(run.notes());
      notes.addAll(set.notes());
    }
    g.writeEndArray();
    g.writeEndObject();
    g.close();
    h.append("<footer><p>Charts drawn with uPlot ").append(RunSection.esc(version))
        .append(", inlined in this page under its licence:</p><pre>")
        .append(RunSection.esc(webjar(version, "LICENSE"))).append("</pre></footer>\n");
    // "</" would end the script element early; JSON allows "<\/" for it.
    h.append("<script type=\"application/json\" id=\"aiperf-data\">")
        .append(data.toString().replace("</", "<\\/")).append("</script>\n")
        .append("<script>").append(webjar(version, "dist/uPlot.iife.min.js"))
        .append("</script>\n<script>").append(resource("report.js")).append("</script>\n")
        .append("</body></html>\n");
    return h.toString();
  }

  private void chartGrid(StringBuilder h, JsonGenerator g, List<Chart> list, String prefix)
      throws IOException {
    h.append("<div class=\"charts\">\n");
    for (Chart c : list) {
      String el = prefix + c.id();
      h.append("<div class=\"card\"><h4>").append(RunSection.esc(c.title())).append("</h4><p>")
          .append(RunSection.esc(c.description())).append("</p>");
      if (!c.note().isEmpty()) {
        h.append("<p class=\"reduced\">").append(RunSection.esc(c.note())).append("</p>");
      }
      h.append("<div class=\"plot\" id=\"").append(RunSection.esc(el)).append("\"></div></div>\n");
      ChartJson.write(g, c, el);
      charts++;
    }
    h.append("</div>\n");
  }

  private void comparisonTable(StringBuilder h) {
    h.append("<table><thead><tr><th class=\"l\">run</th><th>request latency avg (ms)</th>"
        + "<th>TTFT avg (ms)</th><th>output tokens/s</th><th>tokens/s/user</th>"
        + "<th>requests/s</th><th>errors</th></tr></thead><tbody>");
    for (RunData run : runs) {
      Summary s = Summary.of(run);
      h.append("<tr><td class=\"l\">").append(RunSection.esc(run.name())).append("</td>");
      for (double v : new double[] {s.latencyAvg(), s.ttftAvg(), s.outputThroughput(),
          s.perUser(), s.requestThroughput(), errors(run)}) {
        h.append("<td>").append(RunSection.esc(RequestCharts.fmt(v))).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</tbody></table>\n");
  }

  /** Failed requests: counted in the records when there are any, else from the aggregate. */
  private static double errors(RunData run) {
    Requests r = run.requests();
    if (r != null) {
      return r.count(Requests.ERROR);
    }
    double n = run.stat("error_request_count", "avg");
    return Double.isNaN(n) && run.aggregate() != null ? 0 : n;
  }

  private static String uPlotVersion() throws IOException {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IOException("uPlot (org.webjars.npm:uplot) is not on the class path: the HTML"
            + " report inlines it; add the dependency aiperf-report declares");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "");
    }
  }

  private static String webjar(String version, String path) throws IOException {
    String name = WEBJAR + version + "/" + path;
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the uPlot WebJar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from aiperf-report's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
