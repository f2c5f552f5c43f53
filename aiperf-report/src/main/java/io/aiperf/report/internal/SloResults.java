package io.aiperf.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.Slo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SLO results of a run: its goodput thresholds (AIPerf's {@code --goodput}, kept in
 * {@code input_config.slos}) with the goodput they gave, and {@code --slo} checks (those on the
 * run's recorded command line and those given to the report) measured against its aggregate.
 */
final class SloResults {
  private SloResults() {}

  /** One goodput threshold. */
  record Threshold(String metric, double value, String unit) {}

  /** One checked SLO; {@code measured} is NaN when the run lacks the metric. */
  record Check(String slo, String source, double measured, String unit, boolean holds) {}

  static List<Threshold> goodput(RunData run) {
    List<Threshold> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = run.config().path("slos").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.add(new Threshold(e.getKey(), e.getValue().asDouble(Double.NaN), run.unit(e.getKey())));
    }
    return out;
  }

  static List<Check> checks(RunData run, List<Slo> extra, List<String> notes) {
    Set<String> fromCommand = new LinkedHashSet<>();
    JsonNode command = run.aggregate() == null ? null
        : run.aggregate().path("run_info").path("cli_command");
    if (command != null && command.isTextual()) {
      List<String> args = shellWords(command.asText());
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("--slo") && i + 1 < args.size()) {
          fromCommand.add(args.get(++i));
        } else if (a.startsWith("--slo=")) {
          fromCommand.add(a.substring("--slo=".length()));
        }
      }
    }
    List<Check> out = new ArrayList<>();
    for (String spec : fromCommand) {
      try {
        out.add(check(run, Slo.parse(spec), "run's --slo"));
      } catch (IllegalArgumentException e) {
        notes.add(run.name() + ": the recorded --slo '" + spec + "' cannot be read: "
            + e.getMessage());
      }
    }
    for (Slo slo : extra) {
      out.add(check(run, slo, "report"));
    }
    return out;
  }

  private static Check check(RunData run, Slo slo, String source) {
    double measured = run.stat(slo.metric().tag(), slo.statistic().key());
    boolean holds = Double.isFinite(measured) && switch (slo.comparison()) {
      case LESS -> measured < slo.threshold();
      case LESS_OR_EQUAL -> measured <= slo.threshold();
      case GREATER -> measured > slo.threshold();
      case GREATER_OR_EQUAL -> measured >= slo.threshold();
    };
    String text = String.format(Locale.ROOT, "%s.%s %s %s", slo.metric().tag(),
        slo.statistic().key(), slo.comparison().symbol(), RequestCharts.fmt(slo.threshold()));
    return new Check(text, source, measured, run.unit(slo.metric().tag()), holds);
  }

  /** Splits a command line recorded with POSIX shell quoting ('...' and "..." and \). */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        cur.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(cur.toString());
    }
    return words;
  }
}
