package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.Slo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Goodput group, with aiperf-java's {@code --slo} checks made after the run. */
final class GoodputOptions {
  @Option(names = "--slo",
      description = "SLO checked after the run, e.g. \"time_to_first_token.p99<200ms\" (repeatable);"
          + " exit 3 when one is broken.")
  List<String> slos = new ArrayList<>();

  @Option(names = "--goodput",
      description = "SLOs, e.g. \"time_to_first_token:200 inter_token_latency:20\" (display units).")
  @Nullable String goodput;

  private final List<Slo> parsedSlos = new ArrayList<>();

  void parseSlos(List<String> problems) {
    for (String s : slos) {
      try {
        parsedSlos.add(Slo.parse(s));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
  }

  /** The --slo checks, after {@link #parseSlos}. */
  List<Slo> slos() {
    return parsedSlos;
  }

  void configure(Benchmark.Builder b, List<String> problems) {
    if (goodput == null) {
      return;
    }
    Map<String, Double> thresholds = new LinkedHashMap<>();
    for (String part : goodput.trim().split("\\s+")) {
      int colon = part.indexOf(':');
      try {
        thresholds.put(part.substring(0, colon), Double.parseDouble(part.substring(colon + 1)));
      } catch (RuntimeException e) {
        problems.add("--goodput part was '" + part + "' but it must be 'metric_tag:number',"
            + " e.g. time_to_first_token:200");
      }
    }
    b.goodput(thresholds);
  }
}
