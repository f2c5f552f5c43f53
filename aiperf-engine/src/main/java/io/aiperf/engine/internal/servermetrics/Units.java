package io.aiperf.engine.internal.servermetrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The unit of a scraped metric, inferred as AIPerf 0.13 infers it ({@code server_metrics/units.py})
 * and named as its exports name it: first a 0-1 or 0-100 range in the HELP text ({@code ratio},
 * {@code percent}), then a unit the HELP text names ({@code (in MiB)}, {@code in seconds}), then
 * the name's suffix ({@code _seconds}, {@code _tokens_total}, {@code _perc}).
 */
public final class Units {
  private static final Map<String, String> SUFFIXES = new LinkedHashMap<>();
  private static final Map<String, String> TAGS = Map.ofEntries(
      Map.entry("MiB", "megabytes"), Map.entry("GiB", "gigabytes"), Map.entry("KiB", "kilobytes"),
      Map.entry("B", "bytes"), Map.entry("MB", "megabytes"), Map.entry("GB", "gigabytes"),
      Map.entry("KB", "kilobytes"), Map.entry("TB", "terabytes"), Map.entry("C", "celsius"),
      Map.entry("°C", "celsius"), Map.entry("F", "fahrenheit"), Map.entry("°F", "fahrenheit"),
      Map.entry("K", "kelvin"), Map.entry("Hz", "hertz"), Map.entry("MHz", "megahertz"),
      Map.entry("GHz", "gigahertz"), Map.entry("W", "watt"), Map.entry("mW", "milliwatt"),
      Map.entry("J", "joule"), Map.entry("mJ", "millijoule"), Map.entry("MJ", "megajoule"),
      Map.entry("s", "seconds"), Map.entry("sec", "seconds"), Map.entry("ms", "milliseconds"),
      Map.entry("ns", "nanoseconds"), Map.entry("us", "microseconds"),
      Map.entry("µs", "microseconds"), Map.entry("GB/s", "gb/s"), Map.entry("MB/s", "mb/s"),
      Map.entry("%", "percent"), Map.entry("percent", "percent"));
  private static final Pattern IN_UNIT = Pattern.compile("\\(in\\s+([^\\s)]+)\\)");
  private static final Pattern RATIO = Pattern.compile(
      "\\(0(?:\\.0)?\\s*(?:[-–—]+|to)\\s*1(?:\\.0)?\\)"
          + "|\\b0(?:\\.0)?\\s*(?:[-–—]+|to)\\s*1(?:\\.0)?\\b"
          + "|\\brange\\s+0(?:\\.0)?\\s*(?:[-–—]+|to)\\s*1(?:\\.0)?\\b"
          + "|(?:\\b|\\()1(?:\\.0)?\\s*(?:means|is|equals?|==?)\\s*100\\s*(?:%|percent)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern PERCENT = Pattern.compile(
      "\\(0(?:\\.0)?\\s*(?:[-–—]+|to)\\s*100(?:\\.0)?\\)"
          + "|\\brange\\s+0\\s*(?:[-–—]+|to)\\s*100\\b"
          + "|\\b0\\s*(?:[-–—]+|to)\\s*100\\s*%", Pattern.CASE_INSENSITIVE);
  private static final Object[][] PHRASES = {
      {"(?:\\bin\\s+|\\()seconds?(?:\\b|\\))", "seconds"},
      {"(?:\\bin\\s+|\\()(?:milliseconds?|ms)(?:\\b|\\))", "milliseconds"},
      {"(?:\\bin\\s+|\\()(?:nanoseconds?|ns)(?:\\b|\\))", "nanoseconds"},
      {"(?:\\bin\\s+|\\()bytes?(?:\\b|\\))", "bytes"},
      {"(?:\\bin\\s+|\\()GB/s(?:\\b|\\))", "gb/s"},
      {"(?:\\bin\\s+|\\()MB/s(?:\\b|\\))", "mb/s"},
      {"(?:\\bin\\s+|\\()tokens?/s(?:ec(?:ond)?)?(?:\\b|\\))", "tokens/s"},
      {"(?:\\bin\\s+|\\()requests?/s(?:ec(?:ond)?)?(?:\\b|\\))", "requests/s"},
      {"\\bin\\s+tokens?\\b", "tokens"}};
  private static final Pattern[] PHRASE_PATTERNS = new Pattern[PHRASES.length];

  static {
    String[][] suffixes = {
        {"_seconds", "seconds"}, {"_seconds_total", "seconds"}, {"_milliseconds", "milliseconds"},
        {"_ms", "milliseconds"}, {"_ms_total", "milliseconds"}, {"_nanoseconds", "nanoseconds"},
        {"_ns", "nanoseconds"}, {"_ns_total", "nanoseconds"}, {"_bytes", "bytes"},
        {"_kilobytes", "kilobytes"}, {"_megabytes", "megabytes"}, {"_gigabytes", "gigabytes"},
        {"_bytes_total", "bytes"}, {"_total", "count"}, {"_count", "count"},
        {"_tokens", "tokens"}, {"_tokens_total", "tokens"}, {"_requests", "requests"},
        {"_requests_total", "requests"}, {"request_success", "requests"}, {"_errors", "errors"},
        {"_errors_total", "errors"}, {"_error_count", "errors"},
        {"_error_count_total", "errors"}, {"_reqs", "requests"}, {"_blocks", "blocks"},
        {"_blocks_total", "blocks"}, {"_block_count", "blocks"}, {"_gb_s", "gb/s"},
        {"_ratio", "ratio"}, {"_percent", "percent"}, {"_perc", "percent"},
        {"_celsius", "celsius"}, {"_joules", "joule"}, {"_watts", "watt"}};
    // Longest suffix first, as AIPerf matches them.
    java.util.Arrays.sort(suffixes, (a, b) -> Integer.compare(b[0].length(), a[0].length()));
    for (String[] s : suffixes) {
      SUFFIXES.put(s[0], s[1]);
    }
    for (int i = 0; i < PHRASES.length; i++) {
      PHRASE_PATTERNS[i] = Pattern.compile((String) PHRASES[i][0], Pattern.CASE_INSENSITIVE);
    }
  }

  private Units() {}

  /**
   * Infers a metric's unit.
   *
   * @param name the family name
   * @param help its HELP text
   * @return AIPerf's display name of the unit, "" when none can be told
   */
  public static String infer(String name, String help) {
    if (!help.isEmpty()) {
      if (RATIO.matcher(help).find()) {
        return "ratio";
      }
      if (PERCENT.matcher(help).find()) {
        return "percent";
      }
      Matcher m = IN_UNIT.matcher(help);
      if (m.find()) {
        String unit = TAGS.get(m.group(1).trim());
        if (unit != null) {
          return unit;
        }
      }
      for (int i = 0; i < PHRASE_PATTERNS.length; i++) {
        if (PHRASE_PATTERNS[i].matcher(help).find()) {
          return (String) PHRASES[i][1];
        }
      }
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : SUFFIXES.entrySet()) {
      if (lower.endsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return lower.contains("num_requests_") ? "requests" : "";
  }
}
