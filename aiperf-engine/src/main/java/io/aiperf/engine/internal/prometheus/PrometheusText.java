package io.aiperf.engine.internal.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text, including the
 * quoted UTF-8 metric and label names of newer exporters ({@code {"my.metric",a="b"} 1}).
 * Samples are grouped into families as the Prometheus client libraries group them: a sample
 * belongs to the family a TYPE or HELP line opened when its name is the family's name plus one
 * of its type's suffixes, and opens an untyped family of its own otherwise.
 *
 * <p>It never throws on what a server sends: a line it cannot read is skipped and counted (with
 * its line number in {@link Exposition#problems()}), the rest of the page is kept. Timestamps are
 * checked but not kept, and OpenMetrics exemplars are ignored.
 */
public final class PrometheusText {
  private static final int MAX_PROBLEMS = 5;

  private final String text;
  private final int length;
  private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
  /** Sample names already routed to a family: most pages repeat a name on many lines. */
  private final Map<String, FamilyBuilder> routes = new HashMap<>();
  private @Nullable FamilyBuilder current;
  private final List<String> problems = new ArrayList<>();
  private final List<String> labelBuffer = new ArrayList<>();
  private int lineNumber;
  private int blank;
  private int comments;
  private int metadata;
  private int samples;
  private int skipped;
  private boolean eof;
  // The line being read and the position in it.
  private int pos;
  private int end;
  private int lineStart;

  private PrometheusText(String text) {
    this.text = text;
    this.length = text.length();
  }

  /**
   * Parses a page.
   *
   * @param text the page
   * @return its families and line counts
   */
  public static Exposition parse(String text) {
    return new PrometheusText(text).run();
  }

  private Exposition run() {
    int start = 0;
    while (start < length) {
      int newline = text.indexOf('\n', start);
      int lineEnd = newline < 0 ? length : newline;
      lineNumber++;
      pos = start;
      lineStart = start;
      end = lineEnd > start && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
      line();
      start = lineEnd + 1;
    }
    List<MetricFamily> out = new ArrayList<>();
    for (FamilyBuilder f : families.values()) {
      if (!f.samples.isEmpty()) {
        out.add(new MetricFamily(f.name, f.type, f.help, f.unit, f.samples));
      }
    }
    return new Exposition(out, lineNumber, blank, comments, metadata, samples, skipped, problems);
  }

  private void line() {
    skipBlanks();
    if (pos == end) {
      blank++;
      return;
    }
    if (eof) {
      skip("text after '# EOF'");
      return;
    }
    if (text.charAt(pos) == '#') {
      comment();
      return;
    }
    try {
      sample();
    } catch (Malformed e) {
      skip(e.why);
    }
  }

  private void skip(String why) {
    skipped++;
    if (problems.size() < MAX_PROBLEMS) {
      String shown = text.substring(lineStart, end);
      if (shown.length() > 80) {
        shown = shown.substring(0, 77) + "...";
      }
      problems.add("line " + lineNumber + ": " + why + ": " + shown);
    }
  }

  // ---- comments and metadata ----

  private void comment() {
    pos++; // '#'
    skipBlanks();
    int wordStart = pos;
    while (pos < end && !isBlank(text.charAt(pos))) {
      pos++;
    }
    String word = text.substring(wordStart, pos);
    switch (word) {
      case "HELP" -> help();
      case "TYPE" -> type();
      case "UNIT" -> unit();
      case "EOF" -> {
        metadata++;
        eof = true;
      }
      default -> comments++;
    }
  }

  private void help() {
    String name = metadataName();
    if (name == null) {
      skip("HELP without a metric name");
      return;
    }
    if (pos < end && isBlank(text.charAt(pos))) {
      pos++; // the one separator; the rest, blanks too, is the text
    }
    String help = unescape(text, pos, end, false);
    metadata++;
    familyFor(name, null).help = help;
  }

  private void type() {
    String name = metadataName();
    if (name == null) {
      skip("TYPE without a metric name");
      return;
    }
    skipBlanks();
    int wordStart = pos;
    while (pos < end && !isBlank(text.charAt(pos))) {
      pos++;
    }
    MetricType type = MetricType.of(text.substring(wordStart, pos));
    skipBlanks();
    if (type == null || pos != end) {
      skip("TYPE must name counter, gauge, histogram, summary, untyped or an OpenMetrics type");
      return;
    }
    metadata++;
    familyFor(name, type).type = type;
  }

  private void unit() {
    String name = metadataName();
    if (name == null) {
      skip("UNIT without a metric name");
      return;
    }
    skipBlanks();
    metadata++;
    familyFor(name, null).unit = text.substring(pos, end).trim();
  }

  /** The metric name after HELP, TYPE or UNIT: plain or quoted. */
  private @Nullable String metadataName() {
    skipBlanks();
    if (pos < end && text.charAt(pos) == '"') {
      try {
        return quoted();
      } catch (Malformed e) {
        return null;
      }
    }
    int nameStart = pos;
    while (pos < end && isNameChar(text.charAt(pos), pos == nameStart)) {
      pos++;
    }
    return pos == nameStart ? null : text.substring(nameStart, pos);
  }

  /**
   * The family a metadata line is about. A counter's TYPE names {@code x_total} in the classic
   * format and {@code x} in OpenMetrics; either way the family is {@code x}.
   */
  private FamilyBuilder familyFor(String name, @Nullable MetricType type) {
    FamilyBuilder f = current;
    if (type == MetricType.COUNTER && name.endsWith("_total")) {
      String base = name.substring(0, name.length() - "_total".length());
      if (f != null && f.name.equals(name) && f.samples.isEmpty()) {
        rename(f, base); // HELP x_total came first
        return f;
      }
      name = base;
    }
    if (f != null && (f.name.equals(name)
        || (f.type == MetricType.COUNTER && name.equals(f.name + "_total")))) {
      return f;
    }
    f = families.get(name);
    if (f == null) {
      f = new FamilyBuilder(name);
      families.put(name, f);
    }
    current = f;
    routes.clear(); // a name seen before may now belong to this family
    return f;
  }

  private void rename(FamilyBuilder f, String name) {
    families.remove(f.name);
    FamilyBuilder existing = families.get(name);
    if (existing != null && existing != f) {
      f.samples.addAll(0, existing.samples);
      f.help = f.help.isEmpty() ? existing.help : f.help;
    }
    f.name = name;
    families.put(name, f);
    routes.clear();
  }

  // ---- samples ----

  private void sample() {
    String name = null;
    labelBuffer.clear();
    if (text.charAt(pos) == '{') {
      name = labels(true);
    } else {
      int nameStart = pos;
      while (pos < end && isNameChar(text.charAt(pos), pos == nameStart)) {
        pos++;
      }
      if (pos == nameStart) {
        throw new Malformed("not a metric name");
      }
      name = text.substring(nameStart, pos);
      if (pos < end && text.charAt(pos) == '{') {
        labels(false);
      }
    }
    if (name == null) {
      throw new Malformed("no metric name in the braces");
    }
    if (pos == end || !isBlank(text.charAt(pos))) {
      throw new Malformed(pos == end ? "no value" : "no blank before the value");
    }
    skipBlanks();
    double value = number(token(), "value");
    skipBlanks();
    if (pos < end && text.charAt(pos) != '#') {
      number(token(), "timestamp");
      skipBlanks();
    }
    // An OpenMetrics exemplar (" # {trace_id=...} 1.0") may follow; it is not kept.
    if (pos < end && text.charAt(pos) != '#') {
      throw new Malformed("text after the timestamp");
    }
    Labels labels;
    try {
      labels = labelBuffer.isEmpty() ? Labels.EMPTY : Labels.of(labelBuffer);
    } catch (IllegalArgumentException e) {
      throw new Malformed(String.valueOf(e.getMessage()));
    }
    samples++;
    route(name).samples.add(new Sample(name, labels, value));
  }

  private FamilyBuilder route(String sample) {
    FamilyBuilder f = routes.get(sample);
    if (f != null) {
      return f;
    }
    FamilyBuilder c = current;
    if (c != null && c.type.accepts(c.name, sample)) {
      f = c;
    } else {
      f = families.get(sample);
      if (f == null || !f.type.accepts(f.name, sample)) {
        f = earlierFamily(sample);
      }
      if (f == null) {
        f = new FamilyBuilder(sample);
        families.put(sample, f);
        current = f;
        routes.clear();
      }
    }
    routes.put(sample, f);
    return f;
  }

  /** A family further up the page that takes this sample, e.g. a histogram split in two. */
  private @Nullable FamilyBuilder earlierFamily(String sample) {
    for (MetricType t : MetricType.values()) {
      for (String suffix : t.suffixes()) {
        if (sample.endsWith(suffix)) {
          FamilyBuilder f = families.get(sample.substring(0, sample.length() - suffix.length()));
          if (f != null && f.type.accepts(f.name, sample)) {
            return f;
          }
        }
      }
    }
    return null;
  }

  /**
   * Reads {@code {a="b",...}} into the label buffer; with a quoted metric name inside the braces
   * ({@code {"name",a="b"}}) returns that name.
   */
  private @Nullable String labels(boolean nameInside) {
    pos++; // '{'
    String name = null;
    boolean first = true;
    while (true) {
      skipBlanks();
      if (pos >= end) {
        throw new Malformed("labels not closed with '}'");
      }
      char c = text.charAt(pos);
      if (c == '}') {
        pos++;
        return name;
      }
      String label;
      if (c == '"') {
        label = quoted();
        skipBlanks();
        if (nameInside && first && pos < end && (text.charAt(pos) == ',' || text.charAt(pos) == '}')) {
          name = label;
          first = false;
          if (text.charAt(pos) == ',') {
            pos++;
          }
          continue;
        }
      } else {
        int labelStart = pos;
        while (pos < end && isLabelChar(text.charAt(pos), pos == labelStart)) {
          pos++;
        }
        if (pos == labelStart) {
          throw new Malformed("not a label name");
        }
        label = text.substring(labelStart, pos);
        skipBlanks();
      }
      first = false;
      if (pos >= end || text.charAt(pos) != '=') {
        throw new Malformed("no '=' after label " + label);
      }
      pos++;
      skipBlanks();
      if (pos >= end || text.charAt(pos) != '"') {
        throw new Malformed("label " + label + " has no quoted value");
      }
      labelBuffer.add(label);
      labelBuffer.add(quoted());
      skipBlanks();
      if (pos < end && text.charAt(pos) == ',') {
        pos++;
      } else if (pos >= end || text.charAt(pos) != '}') {
        throw new Malformed("no ',' or '}' after label " + label);
      }
    }
  }

  /** A double-quoted string with {@code \\}, {@code \"} and {@code \n} escapes. */
  private String quoted() {
    int start = ++pos;
    boolean escaped = false;
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == '\\') {
        escaped = true;
        pos += 2;
        continue;
      }
      if (c == '"') {
        String s = escaped ? unescape(text, start, pos, true) : text.substring(start, pos);
        pos++;
        return s;
      }
      pos++;
    }
    throw new Malformed("a quoted string is not closed");
  }

  private String token() {
    int start = pos;
    while (pos < end && !isBlank(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  /**
   * A float as Prometheus writes it: decimal or exponent notation, {@code NaN}, {@code +Inf},
   * {@code -Inf}. Java's own extras (hex floats, a trailing {@code d}) are not numbers here.
   */
  static double number(String s, String what) {
    if (s.isEmpty()) {
      throw new Malformed("no " + what);
    }
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "+inf", "inf", "+infinity", "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
        throw new Malformed(what + " '" + s + "' is not a number");
      }
    }
    if (!digit) {
      throw new Malformed(what + " '" + s + "' is not a number");
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new Malformed(what + " '" + s + "' is not a number");
    }
  }

  static String unescape(String s, int from, int to, boolean quotes) {
    if (s.indexOf('\\', from) < 0 || s.indexOf('\\', from) >= to) {
      return s.substring(from, to);
    }
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < to) {
        char n = s.charAt(i + 1);
        if (n == 'n') {
          sb.append('\n');
          i++;
          continue;
        }
        if (n == '\\' || (quotes && n == '"')) {
          sb.append(n);
          i++;
          continue;
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private void skipBlanks() {
    while (pos < end && isBlank(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
        || (!first && c >= '0' && c <= '9');
  }

  private static boolean isLabelChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
        || (!first && c >= '0' && c <= '9');
  }

  /** A family while the page is read. */
  private static final class FamilyBuilder {
    String name;
    MetricType type = MetricType.UNKNOWN;
    String help = "";
    String unit = "";
    final List<Sample> samples = new ArrayList<>();

    FamilyBuilder(String name) {
      this.name = name;
    }
  }

  /** A line that cannot be read; caught per line, never escapes the parser. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String why;

    Malformed(String why) {
      super(why, null, false, false);
      this.why = why;
    }
  }
}
