package io.aiperf.cli;

import io.aiperf.cli.config.ConfigException;
import io.aiperf.cli.config.ConfigFile;
import io.aiperf.cli.config.ConfigProblem;
import io.aiperf.cli.config.FileFlag;
import io.aiperf.cli.config.Origin;
import io.aiperf.cli.config.Variation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A configuration that describes several benchmarks (AIPerf 0.13's {@code sweep:} grid, zip or
 * scenarios, or a phase's list of numbers), run as aiperf-java's own sweep ({@code SweepPlan}
 * through the sweep flags) where the variations differ only in what that sweep varies:
 * concurrency, request rate, ISL and OSL. The variations' flags are compared one by one: what
 * they share is set once, the varying flags become comma-separated lists, and the points must be
 * every combination of their values ({@code --sweep-type grid}) or the lists side by side
 * ({@code zip}). Anything else (a swept request count, scenarios that change the endpoint,
 * points that are neither a grid nor a zip) is refused, naming the file, the line and the key
 * where the variations part.
 */
final class ConfigSweep {
  /** The flags aiperf-java's sweep varies, as the configuration reader writes them. */
  static final List<String> SWEPT = List.of("--concurrency", "--request-rate", "--isl", "--osl");

  private ConfigSweep() {}

  /**
   * The flags that run every variation as one sweep.
   *
   * @throws ConfigException naming where the variations differ in something else, or how the
   *     points fail to form a grid or a zip
   */
  static List<FileFlag> flags(ConfigFile config, List<Variation> variations, Path cwd) {
    List<Map<String, FileFlag>> per = new ArrayList<>();
    for (Variation v : variations) {
      Map<String, FileFlag> byFlag = new LinkedHashMap<>();
      for (FileFlag f : config.flags(v, cwd)) {
        FileFlag earlier = byFlag.get(f.flag());
        // A repeatable flag set twice: one entry with every value, in order.
        byFlag.put(f.flag(), earlier == null ? f : new FileFlag(f.flag(),
            concat(earlier.values(), f.values()), earlier.origin()));
      }
      per.add(byFlag);
    }
    Map<String, FileFlag> first = per.get(0);
    Set<String> varying = new LinkedHashSet<>();
    for (int i = 1; i < per.size(); i++) {
      Map<String, FileFlag> other = per.get(i);
      Set<String> names = new LinkedHashSet<>(first.keySet());
      names.addAll(other.keySet());
      for (String name : names) {
        FileFlag a = first.get(name);
        FileFlag b = other.get(name);
        if (a != null && b != null && a.values().equals(b.values())) {
          continue;
        }
        if (SWEPT.contains(name) && a != null && b != null) {
          varying.add(name);
          continue;
        }
        throw refuse(config, variations.get(i), Objects.requireNonNull(b != null ? b : a), name);
      }
    }
    List<List<String>> points = new ArrayList<>();
    for (Map<String, FileFlag> p : per) {
      List<String> point = new ArrayList<>();
      for (String name : varying) {
        point.add(String.join(",", Objects.requireNonNull(p.get(name)).values()));
      }
      points.add(point);
    }
    List<List<String>> values = new ArrayList<>();
    for (int k = 0; k < varying.size(); k++) {
      Set<String> distinct = new LinkedHashSet<>();
      for (List<String> point : points) {
        distinct.add(point.get(k));
      }
      values.add(new ArrayList<>(distinct));
    }
    String type = grid(points, values) ? "grid" : zip(points, values) ? "zip" : null;
    if (type == null) {
      Origin at = Objects.requireNonNull(first.get(varying.iterator().next())).origin();
      throw new ConfigException(List.of(new ConfigProblem(at.file(), at.mark(), at.key(),
          "the " + variations.size() + " variations set " + String.join(", ", varying)
              + " in combinations that are neither every combination of their values (a grid)"
              + " nor their lists side by side (a zip), which is what aiperf-java's sweep runs;"
              + " run them one at a time with 'aiperf config expand " + config.file()
              + " --index N --format yaml'")));
    }
    List<FileFlag> out = new ArrayList<>();
    List<String> names = new ArrayList<>(varying);
    for (FileFlag f : first.values()) {
      int at = names.indexOf(f.flag());
      out.add(at < 0 ? f : new FileFlag(f.flag(), List.of(String.join(",", values.get(at))),
          f.origin()));
    }
    if (!varying.isEmpty()) {
      Origin origin = Objects.requireNonNull(first.get(names.get(0))).origin();
      out.add(new FileFlag("--sweep-type", List.of(type), origin));
    }
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Whether the points are every combination of the values, each once. */
  private static boolean grid(List<List<String>> points, List<List<String>> values) {
    long combinations = 1;
    for (List<String> v : values) {
      combinations *= v.size();
    }
    return combinations == points.size() && new HashSet<>(points).size() == points.size();
  }

  /** Whether point i holds the i-th value of every list. */
  private static boolean zip(List<List<String>> points, List<List<String>> values) {
    for (int i = 0; i < points.size(); i++) {
      for (int k = 0; k < values.size(); k++) {
        List<String> v = values.get(k);
        if (v.size() != points.size() || !v.get(i).equals(points.get(i).get(k))) {
          return false;
        }
      }
    }
    return true;
  }

  private static ConfigException refuse(ConfigFile config, Variation v, FileFlag where,
      String flag) {
    Origin at = where.origin();
    return new ConfigException(List.of(new ConfigProblem(at.file(), at.mark(), at.key(),
        "variation " + v.index() + " (" + v.label() + ") sets " + flag + " differently from"
            + " variation 0, but aiperf-java runs a configuration's variations as one sweep,"
            + " which varies only concurrency, request rate, ISL and OSL; run the variations"
            + " one at a time with 'aiperf config expand " + config.file()
            + " --index N --format yaml'")));
  }
}
