package io.aiperf.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * AIPerf's {@code --variant '[name:] key=value, ...'} (repeated): each occurrence one benchmark
 * of a sweep. aiperf-java runs them as its own sweep when they set what that sweep varies
 * (concurrency, request rate, ISL, OSL), each variant the same keys, and their values form every
 * combination ({@code grid}) or lists side by side ({@code zip}); the variant names are accepted,
 * the directories are named by the values as for any sweep. Anything else is refused naming the
 * variant and the key.
 */
final class SweepVariants {
  /** The keys a variant may set, by AIPerf's names (kebab- or snake-case), to their flags. */
  private static final Map<String, String> KEYS = Map.of("concurrency", "--concurrency",
      "request-rate", "--request-rate", "isl", "--isl", "osl", "--osl");

  /** What the variants set: each flag's values in order, and how they combine. */
  record Lists(Map<String, List<String>> values, String type) {}

  private SweepVariants() {}

  /**
   * Reads the variants.
   *
   * @throws IllegalArgumentException naming the variant and what is wrong
   */
  static Lists parse(List<String> variants) {
    if (variants.size() == 1) {
      throw new IllegalArgumentException("--variant was given once but it describes one"
          + " benchmark of a sweep: give it at least twice, or use --concurrency, --isl, ...");
    }
    List<Map<String, String>> parsed = new ArrayList<>();
    for (String v : variants) {
      parsed.add(one(v));
    }
    Set<String> keys = parsed.get(0).keySet();
    for (int i = 1; i < parsed.size(); i++) {
      if (!parsed.get(i).keySet().equals(keys)) {
        throw new IllegalArgumentException("--variant was '" + variants.get(i) + "' but it sets "
            + parsed.get(i).keySet() + " where '" + variants.get(0) + "' sets " + keys
            + ": aiperf-java's sweep needs every variant to set the same keys");
      }
    }
    List<String> flags = new ArrayList<>(keys);
    List<List<String>> points = new ArrayList<>();
    for (Map<String, String> p : parsed) {
      List<String> point = new ArrayList<>();
      flags.forEach(k -> point.add(p.get(k)));
      points.add(point);
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<List<String>> lists = new ArrayList<>();
    for (int k = 0; k < flags.size(); k++) {
      Set<String> distinct = new LinkedHashSet<>();
      for (List<String> point : points) {
        distinct.add(point.get(k));
      }
      lists.add(new ArrayList<>(distinct));
      values.put(flags.get(k), new ArrayList<>(distinct));
    }
    if (new HashSet<>(points).size() < points.size()) {
      throw new IllegalArgumentException("--variant was given " + variants.size() + " times but"
          + " some variants set the same values: each must be a benchmark of its own");
    }
    long combinations = 1;
    for (List<String> l : lists) {
      combinations *= l.size();
    }
    if (combinations == points.size()) {
      return new Lists(values, "grid");
    }
    boolean zip = true;
    for (int i = 0; i < points.size() && zip; i++) {
      for (int k = 0; k < lists.size(); k++) {
        zip &= lists.get(k).size() == points.size() && lists.get(k).get(i)
            .equals(points.get(i).get(k));
      }
    }
    if (zip) {
      return new Lists(values, "zip");
    }
    throw new IllegalArgumentException("--variant was given " + variants.size() + " times but"
        + " their values are neither every combination of " + String.join(", ", flags)
        + " (a grid) nor lists side by side (a zip), which is what aiperf-java's sweep runs");
  }

  /** One variant's keys (as flags) and values, in order. */
  private static Map<String, String> one(String variant) {
    String body = variant.strip();
    int colon = body.indexOf(':');
    if (colon >= 0 && body.substring(0, colon).indexOf('=') < 0) {
      if (body.substring(0, colon).isBlank()) {
        throw new IllegalArgumentException("--variant was '" + variant + "' but its name before"
            + " ':' is empty");
      }
      body = body.substring(colon + 1).strip();
    }
    if (body.isEmpty()) {
      throw new IllegalArgumentException("--variant was '" + variant + "' but it sets nothing;"
          + " write '[name:] key=value, key=value', e.g. 'small: isl=128, concurrency=4'");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String chunk : body.split(",")) {
      String c = chunk.strip();
      if (c.isEmpty()) {
        continue;
      }
      int eq = c.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--variant was '" + variant + "' but '" + c
            + "' is not key=value");
      }
      String key = c.substring(0, eq).strip().replaceFirst("^--", "").replace('_', '-')
          .toLowerCase(Locale.ROOT);
      String flag = KEYS.get(key);
      if (flag == null) {
        throw new IllegalArgumentException("--variant was '" + variant + "' but '" + key
            + "' is not something aiperf-java's sweep varies; it takes concurrency,"
            + " request-rate, isl and osl");
      }
      String value = c.substring(eq + 1).strip().replaceAll("^[\"']|[\"']$", "");
      if (out.put(flag, value) != null) {
        throw new IllegalArgumentException("--variant was '" + variant + "' but it sets '" + key
            + "' twice");
      }
    }
    return out;
  }
}
