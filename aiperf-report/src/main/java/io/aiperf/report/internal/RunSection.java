package io.aiperf.report.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Slo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables of one run in the HTML report: facts, warnings, SLO results, errors, metrics and
 * configuration. Everything from the files is escaped.
 */
final class RunSection {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunSection() {}

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static void facts(StringBuilder h, RunData run) {
    JsonNode a = run.aggregate();
    h.append("<table><tbody>");
    row(h, "directory", run.dir().toString());
    if (a != null) {
      row(h, "written by", "aiperf_version " + a.path("aiperf_version").asText("?")
          + ", schema_version " + a.path("schema_version").asText("?"));
      JsonNode endpoint = run.config().path("endpoint");
      row(h, "endpoint", endpoint.path("type").asText("") + " "
          + endpoint.path("urls").path(0).asText("") + (endpoint.path("streaming").asBoolean()
              ? " (streaming)" : ""));
      row(h, "model", run.config().path("models").path("items").path(0).path("name").asText(""));
      row(h, "started", a.path("start_time").asText(""));
      row(h, "ended", a.path("end_time").asText(""));
      row(h, "duration", RequestCharts.fmt(run.stat("benchmark_duration", "avg")) + " s");
    }
    Requests r = run.requests();
    if (r != null) {
      row(h, "requests (profiled)", String.format(Locale.ROOT, "%,d: %,d succeeded, %,d failed,"
          + " %,d cancelled", r.size, r.count(Requests.OK), r.count(Requests.ERROR),
          r.count(Requests.CANCELLED)));
    } else if (a != null) {
      row(h, "requests", String.format(Locale.ROOT, "%s succeeded, %s failed",
          RequestCharts.fmt(run.stat("request_count", "avg")),
          RequestCharts.fmt(run.stat("error_request_count", "avg"))));
    }
    h.append("</tbody></table>\n");
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(v))
        .append("</td></tr>");
  }

  /** The run's own warnings, the notes on its files, and whether it was cut short. */
  static List<String> warnings(RunData run, List<String> chartNotes) {
    List<String> w = new ArrayList<>();
    JsonNode a = run.aggregate();
    if (a != null) {
      if (a.path("was_cancelled").asBoolean(false)) {
        w.add("The run was cancelled before it finished: its numbers cover the part that ran.");
      } else if (a.has("is_complete") && !a.path("is_complete").asBoolean(true)) {
        w.add("The run is marked incomplete (is_complete false).");
      }
      a.path("warnings").forEach(n -> w.add(n.asText()));
    }
    w.addAll(run.notes());
    w.addAll(chartNotes);
    return w;
  }

  static void warningList(StringBuilder h, List<String> warnings) {
    if (warnings.isEmpty()) {
      h.append("<p class=\"note\">None.</p>\n");
      return;
    }
    h.append("<ul class=\"warnings\">");
    warnings.forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
    h.append("</ul>\n");
  }

  static void slos(StringBuilder h, RunData run, List<Slo> extra, List<String> notes) {
    List<SloResults.Threshold> goodput = SloResults.goodput(run);
    List<SloResults.Check> checks = SloResults.checks(run, extra, notes);
    if (goodput.isEmpty() && checks.isEmpty()) {
      h.append("<p class=\"note\">This run had no goodput thresholds and no --slo checks.</p>\n");
      return;
    }
    if (!goodput.isEmpty()) {
      h.append("<p class=\"note\">Goodput thresholds (a request is good when it meets all of"
          + " them): goodput ").append(esc(RequestCharts.fmt(run.stat("goodput", "avg"))))
          .append(" requests/s, ").append(esc(RequestCharts.fmt(run.stat("good_request_count",
              "avg")))).append(" good requests");
      double fraction = run.stat("good_request_fraction", "avg");
      if (Double.isFinite(fraction)) {
        h.append(" (").append(esc(RequestCharts.fmt(fraction * (fraction <= 1 ? 100 : 1))))
            .append(" %)");
      }
      h.append(".</p><table><thead><tr><th class=\"l\">metric</th><th>threshold</th>"
          + "</tr></thead><tbody>");
      for (SloResults.Threshold t : goodput) {
        h.append("<tr><td class=\"l\">").append(esc(t.metric())).append("</td><td>")
            .append(esc(RequestCharts.fmt(t.value()) + " " + t.unit())).append("</td></tr>");
      }
      h.append("</tbody></table>\n");
    }
    if (!checks.isEmpty()) {
      h.append("<h4>SLO checks</h4><table><thead><tr><th class=\"l\">SLO</th><th class=\"l\">"
          + "from</th><th>measured</th><th class=\"l\">result</th></tr></thead><tbody>");
      for (SloResults.Check c : checks) {
        h.append("<tr><td class=\"l\">").append(esc(c.slo())).append("</td><td class=\"l\">")
            .append(esc(c.source())).append("</td><td>").append(esc(Double.isNaN(c.measured())
                ? "not in this run" : RequestCharts.fmt(c.measured()) + " " + c.unit()))
            .append("</td><td class=\"l ").append(c.holds() ? "pass\">holds" : "fail\">broken")
            .append("</td></tr>");
      }
      h.append("</tbody></table>\n");
    }
  }

  static void errors(StringBuilder h, RunData run) {
    JsonNode summary = run.aggregate() == null ? null : run.aggregate().path("error_summary");
    Requests r = run.requests();
    if (summary != null && summary.isArray() && !summary.isEmpty()) {
      h.append("<table><thead><tr><th>count</th><th>code</th><th class=\"l\">type</th>"
          + "<th class=\"l\">message</th></tr></thead><tbody>");
      for (JsonNode e : summary) {
        JsonNode d = e.path("error_details");
        h.append("<tr><td>").append(esc(e.path("count").asText())).append("</td><td>")
            .append(esc(d.path("code").asText(""))).append("</td><td class=\"l\">")
            .append(esc(d.path("type").asText(""))).append("</td><td class=\"l\">")
            .append(esc(abbreviate(d.path("message").asText("")))).append("</td></tr>");
      }
      h.append("</tbody></table>\n");
    } else if (r != null && !r.errorKinds.isEmpty()) {
      int[] counts = new int[r.errorKinds.size()];
      for (int i = 0; i < r.size; i++) {
        if (r.errorKind[i] >= 0) {
          counts[r.errorKind[i]]++;
        }
      }
      h.append("<table><thead><tr><th>count</th><th class=\"l\">error</th></tr></thead><tbody>");
      for (int k = 0; k < counts.length; k++) {
        h.append("<tr><td>").append(counts[k]).append("</td><td class=\"l\">")
            .append(esc(r.errorKinds.get(k))).append("</td></tr>");
      }
      h.append("</tbody></table>\n");
    } else {
      h.append("<p class=\"note\">No errors.</p>\n");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  private static final String[] STATS = {"avg", "min", "p50", "p90", "p99", "max", "std"};

  /** Every metric of the aggregate export, in its order. */
  static void metrics(StringBuilder h, RunData run) {
    JsonNode a = run.aggregate();
    if (a == null) {
      h.append("<p class=\"note\">No aggregate export to show.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table><thead><tr><th class=\"l\">metric</th>"
        + "<th class=\"l\">unit</th>");
    for (String s : STATS) {
      h.append("<th>").append(s).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode m = e.getValue();
      if (!m.isObject() || !m.has("unit") || !m.has("avg")) {
        continue;
      }
      h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td class=\"l\">")
          .append(esc(m.path("unit").asText(""))).append("</td>");
      for (String s : STATS) {
        h.append("<td>").append(m.path(s).isNumber() ? esc(RequestCharts.fmt(m.get(s).asDouble()))
            : "").append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</tbody></table></div>\n");
  }

  static void configuration(StringBuilder h, RunData run) {
    JsonNode a = run.aggregate();
    if (a == null) {
      h.append("<p class=\"note\">No aggregate export, so no recorded configuration.</p>\n");
      return;
    }
    JsonNode command = a.path("run_info").path("cli_command");
    if (command.isTextual()) {
      h.append("<p class=\"note\">Command: <code>").append(esc(command.asText()))
          .append("</code></p>\n");
    }
    String config;
    try {
      config = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a.path("input_config"));
    } catch (JsonProcessingException e) {
      config = a.path("input_config").toString();
    }
    h.append("<details open><summary>input_config</summary><pre>").append(esc(config))
        .append("</pre></details>\n");
  }
}
