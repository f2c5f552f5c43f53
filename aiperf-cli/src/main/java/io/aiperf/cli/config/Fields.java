package io.aiperf.cli.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads typed values out of a configuration's mappings, reporting a wrong type or an
 * out-of-range value with its line and key, remembering which keys were read (the rest are
 * checked against AIPerf's schema afterwards), and collecting the flags they become.
 */
final class Fields {
  private static final Pattern DURATION = Pattern.compile(
      "^(\\d+(?:\\.\\d+)?)\\s*(s|sec|m|min|h|hr|hour)?$", Pattern.CASE_INSENSITIVE);

  final Path file;
  final List<ConfigProblem> problems;
  final List<String> warnings;
  final List<FileFlag> flags = new ArrayList<>();
  /** Key paths (as shown, with list indexes) whose whole value has been read. */
  final Set<String> consumed = new HashSet<>();

  Fields(Path file, List<ConfigProblem> problems, List<String> warnings) {
    this.file = file;
    this.problems = problems;
    this.warnings = warnings;
  }

  /** A mapping with its path, as shown in messages. */
  record Sec(Node.MapNode map, String path) {
    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }
  }

  /** A distribution AIPerf writes as a scalar or {mean, stddev}: a Normal (or fixed) value. */
  record Dist(double mean, double stddev, Node at) {}

  void problem(@Nullable Node at, String key, String message) {
    problems.add(new ConfigProblem(file, at == null ? Node.Mark.NONE : at.mark(), key, message));
  }

  Origin origin(Node at, String key) {
    return new Origin(file, at.mark(), key);
  }

  void emit(String flag, Node at, String key, String... values) {
    flags.add(new FileFlag(flag, List.of(values), origin(at, key)));
  }

  /** The value under a key, marked as read; null when absent or null. */
  @Nullable Node take(Sec s, String key) {
    Node n = s.map().get(key);
    if (n == null) {
      return null;
    }
    consumed.add(s.child(key));
    return n instanceof Node.Scalar sc && sc.value() == null ? null : n;
  }

  /** A nested mapping; its keys are read one by one. Null when absent, null, or not a mapping. */
  @Nullable Sec section(Sec s, String key) {
    Node n = s.map().get(key);
    if (n == null || n instanceof Node.Scalar sc && sc.value() == null) {
      if (n != null) {
        consumed.add(s.child(key));
      }
      return null;
    }
    if (!(n instanceof Node.MapNode m)) {
      consumed.add(s.child(key));
      problem(n, s.child(key), "must be a mapping but is " + Node.kind(n));
      return null;
    }
    return new Sec(m, s.child(key));
  }

  @Nullable BigDecimal decimal(@Nullable Node n, String key, String expected) {
    if (n == null) {
      return null;
    }
    Object v = n instanceof Node.Scalar s ? s.value() : null;
    try {
      if (v instanceof Long l) {
        return BigDecimal.valueOf(l);
      }
      if (v instanceof BigInteger b) {
        return new BigDecimal(b);
      }
      if (v instanceof Double d && Double.isFinite(d)) {
        return BigDecimal.valueOf(d);
      }
      if (v instanceof String str && !str.isBlank()) {
        return new BigDecimal(str.strip()); // pydantic's lax mode reads numeric strings
      }
    } catch (NumberFormatException notNumber) {
      // reported below
    }
    problem(n, key, "must be " + expected + " but was " + shown(n));
    return null;
  }

  static String shown(Node n) {
    return n instanceof Node.Scalar s ? "'" + s.text() + "' (" + Node.kind(n) + ")"
        : Node.kind(n);
  }

  /** An integer at least {@code min}. */
  @Nullable Long integer(Sec s, String key, long min) {
    Node n = take(s, key);
    BigDecimal d = decimal(n, s.child(key), "an integer >= " + min);
    if (d == null || n == null) {
      return null;
    }
    try {
      long v = d.stripTrailingZeros().longValueExact();
      if (v >= min) {
        return v;
      }
    } catch (ArithmeticException notInteger) {
      problem(n, s.child(key), "must be an integer >= " + min + " but was " + shown(n));
      return null;
    }
    problem(n, s.child(key), "must be an integer >= " + min + " but was " + shown(n));
    return null;
  }

  /** A number above (or, with {@code inclusive}, at least) {@code min}. */
  @Nullable Double number(Sec s, String key, double min, boolean inclusive) {
    Node n = take(s, key);
    return number(n, s.child(key), min, inclusive);
  }

  @Nullable Double number(@Nullable Node n, String key, double min, boolean inclusive) {
    String expected = "a number " + (inclusive ? ">= " : "> ") + plain(min);
    BigDecimal d = decimal(n, key, expected);
    if (d == null || n == null) {
      return null;
    }
    double v = d.doubleValue();
    if (inclusive ? v >= min : v > min) {
      return v;
    }
    problem(n, key, "must be " + expected + " but was " + shown(n));
    return null;
  }

  /** A number of seconds: a number, or AIPerf's "30s", "5m", "2h"; "inf" when allowed. */
  @Nullable Double seconds(Sec s, String key, boolean positive, boolean infinite) {
    return seconds(take(s, key), s.child(key), positive, infinite);
  }

  @Nullable Double seconds(@Nullable Node n, String key, boolean positive, boolean infinite) {
    if (n == null) {
      return null;
    }
    String expected = "a duration " + (positive ? "> 0" : ">= 0") + " (seconds, or '30s',"
        + " '5m', '2h'" + (infinite ? ", 'inf'" : "") + ")";
    Object v = n instanceof Node.Scalar sc ? sc.value() : null;
    double seconds;
    if (v instanceof String str) {
      String t = str.strip().toLowerCase(Locale.ROOT);
      Matcher m = DURATION.matcher(t);
      if (infinite && (t.equals("inf") || t.equals("infinity"))) {
        return Double.POSITIVE_INFINITY;
      }
      if (!m.matches()) {
        problem(n, key, "must be " + expected + " but was " + shown(n));
        return null;
      }
      double x = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      seconds = unit.startsWith("h") ? x * 3600 : unit.startsWith("m") ? x * 60 : x;
    } else {
      BigDecimal d = decimal(n, key, expected);
      if (d == null) {
        return null;
      }
      seconds = d.doubleValue();
    }
    if (positive ? seconds > 0 : seconds >= 0) {
      return seconds;
    }
    problem(n, key, "must be " + expected + " but was " + shown(n));
    return null;
  }

  /** A boolean; pydantic's lax mode also reads yes/no/on/off/1/0 strings. */
  @Nullable Boolean bool(Sec s, String key) {
    Node n = take(s, key);
    if (n == null) {
      return null;
    }
    Object v = n instanceof Node.Scalar sc ? sc.value() : null;
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Long l && (l == 0 || l == 1)) {
      return l == 1;
    }
    if (v instanceof String str) {
      switch (str.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1", "y", "t" -> {
          return true;
        }
        case "false", "no", "off", "0", "n", "f" -> {
          return false;
        }
        default -> { }
      }
    }
    problem(n, s.child(key), "must be true or false but was " + shown(n));
    return null;
  }

  /** A string (a number is taken as its text, as pydantic does not; so only strings). */
  @Nullable String string(Sec s, String key) {
    Node n = take(s, key);
    if (n == null) {
      return null;
    }
    if (n instanceof Node.Scalar sc && sc.value() instanceof String str) {
      return str;
    }
    problem(n, s.child(key), "must be a string but was " + shown(n));
    return null;
  }

  /** One of the given values. */
  @Nullable String choice(Sec s, String key, List<String> allowed) {
    String v = string(s, key);
    if (v == null) {
      return null;
    }
    if (allowed.contains(v)) {
      return v;
    }
    problem(s.map().get(key), s.child(key), "was '" + v + "' but it must be "
        + or(allowed));
    return null;
  }

  static String or(List<String> values) {
    return values.size() == 1 ? values.get(0)
        : String.join(", ", values.subList(0, values.size() - 1)) + " or "
            + values.get(values.size() - 1);
  }

  /**
   * A length or delay as AIPerf writes a distribution: a number, {@code {value: N}},
   * {@code {mean: M, stddev: S}} (with an optional {@code type:} of fixed or normal). The other
   * shapes AIPerf knows (median: log-normal, peaks:, points:, min:/max: clamps) are reported as
   * not supported by aiperf-java.
   */
  @Nullable Dist distribution(Sec s, String key, double min) {
    Node n = take(s, key);
    if (n == null) {
      return null;
    }
    String path = s.child(key);
    if (n instanceof Node.Scalar) {
      Double v = number(n, path, min, true);
      return v == null ? null : new Dist(v, 0, n);
    }
    if (!(n instanceof Node.MapNode m)) {
      problem(n, path, "must be a number or {mean: M, stddev: S} but was " + Node.kind(n));
      return null;
    }
    for (String k : m.entries().keySet()) {
      Node.MapNode.Entry e = m.entry(k);
      Node.Mark at = e == null ? m.mark() : e.key().mark();
      switch (k) {
        case "mean", "stddev", "value", "type" -> { }
        case "median", "peaks", "points", "min", "max" -> problems.add(new ConfigProblem(file,
            at, path + "." + k, "is an AIPerf 0.13 distribution setting that aiperf-java does"
                + " not support (it draws lengths from a Normal(mean, stddev) or a fixed value);"
                + " write " + key + ": {mean: M, stddev: S} instead"));
        default -> problems.add(new ConfigProblem(file, at, path + "." + k, "is not a key of a"
            + " distribution; write a number, {value: N} or {mean: M, stddev: S}"));
      }
    }
    Object type = m.get("type") instanceof Node.Scalar t ? t.value() : null;
    if (type != null && !"fixed".equals(type) && !"normal".equals(type)) {
      problem(m.get("type"), path + ".type", "was '" + type + "' but aiperf-java supports"
          + " fixed and normal distributions");
      return null;
    }
    Node value = m.get("value");
    if (value != null) {
      Double v = number(value, path + ".value", min, true);
      return v == null ? null : new Dist(v, 0, value);
    }
    Node mean = m.get("mean");
    if (mean == null) {
      problem(m, path, "needs mean: (and optionally stddev:) or value:");
      return null;
    }
    Double mv = number(mean, path + ".mean", min, true);
    Node sd = m.get("stddev");
    Double sv = sd == null ? Double.valueOf(0) : number(sd, path + ".stddev", 0, true);
    return mv == null || sv == null ? null : new Dist(mv, sv, mean);
  }

  /** A list of scalars as strings. */
  @Nullable List<String> strings(Sec s, String key, boolean commaSeparated) {
    Node n = take(s, key);
    if (n == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (n instanceof Node.Scalar sc && sc.value() instanceof String str) {
      for (String part : commaSeparated ? str.split(",") : new String[] {str}) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }
    if (n instanceof Node.ListNode l) {
      for (Node item : l.items()) {
        if (item instanceof Node.Scalar sc && sc.value() != null
            && !(sc.value() instanceof Boolean)) {
          out.add(sc.value() instanceof Double d ? plain(d) : String.valueOf(sc.value()));
        } else {
          problem(item, s.child(key), "must be a list of values but holds " + Node.kind(item));
          return null;
        }
      }
      return out;
    }
    problem(n, s.child(key), "must be a string or a list but was " + shown(n));
    return null;
  }

  /** A number as a flag value: no exponent, no trailing ".0" on whole numbers. */
  static String plain(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
