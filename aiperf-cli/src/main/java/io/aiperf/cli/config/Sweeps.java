package io.aiperf.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Expands a configuration's sweep into its variations, as AIPerf 0.13 does: {@code grid} (every
 * combination, paths in alphabetical order), {@code zip} (the lists side by side), and
 * {@code scenarios} (each run's {@code benchmark:} merged over the base, named lists merged by
 * name); without a {@code sweep:} block, a list of numbers where a phase takes one number
 * ({@code concurrency: [1, 8, 32]}) is a grid too. Paths are dotted, relative to
 * {@code benchmark:}; a list segment is an entry's name ({@code phases.profiling.rate}); a bare
 * {@code concurrency} means {@code phases.profiling.concurrency}.
 */
final class Sweeps {
  /** AIPerf's bare-name shorthands for the most swept phase settings. */
  private static final Set<String> PHASE_ALIASES = Set.of("concurrency", "prefill_concurrency",
      "rate", "requests", "duration", "sessions", "users", "smoothness", "grace_period",
      "concurrency_ramp", "prefill_ramp", "rate_ramp", "rate_series");
  /** Phase settings whose list of numbers is a sweep by itself. */
  private static final Set<String> MAGIC = Set.of("level", "concurrency", "prefill_concurrency",
      "rate", "count", "requests", "duration", "sessions", "users", "time", "mean");
  private static final Set<String> SWEEP_TYPES = Set.of("grid", "zip", "scenarios", "sobol",
      "latin_hypercube", "adaptive_search");

  private final Path file;
  private final List<ConfigProblem> problems;

  Sweeps(Path file, List<ConfigProblem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** The variations of a normalized envelope; one, labelled {@code base}, without a sweep. */
  List<Variation> expand(Node.MapNode root, Node.MapNode body) {
    Node sweep = root.get("sweep");
    if (sweep == null || sweep instanceof Node.Scalar s && s.value() == null) {
      Map<String, Node> magic = magicLists(body);
      return magic.isEmpty()
          ? List.of(new Variation(0, "base", "base", Map.of(), body))
          : product(body, magic, false);
    }
    if (!(sweep instanceof Node.MapNode sm)) {
      problem(sweep, "sweep", "must be a mapping with a type: (grid, zip or scenarios) but is "
          + Node.kind(sweep));
      return List.of();
    }
    String type = "grid";
    if (sm.get("type") instanceof Node.Scalar t && t.value() instanceof String ts) {
      type = ts;
    }
    switch (type) {
      case "grid", "zip" -> {
        if (!(sm.get("parameters") instanceof Node.MapNode params) || params.entries().isEmpty()) {
          problem(sm.get("parameters") == null ? sm : sm.get("parameters"), "sweep.parameters",
              "a " + type + " sweep needs parameters: a mapping of dotted paths to lists of"
                  + " values, e.g. phases.profiling.concurrency: [1, 8, 32]");
          return List.of();
        }
        Map<String, Node> lists = new LinkedHashMap<>();
        for (Node.MapNode.Entry e : params.entries().values()) {
          String path = resolvePath(e.key().name());
          String shown = "sweep.parameters." + e.key().name();
          if (!(e.value() instanceof Node.ListNode l) || l.items().isEmpty()) {
            problem(e.value(), shown, "must be a non-empty list of values");
          } else if (checkPath(path, e.value(), shown)) {
            lists.put(path, l);
          }
        }
        return lists.size() < params.entries().size() ? List.of()
            : product(body, new TreeMap<>(lists), type.equals("zip"));
      }
      case "scenarios" -> {
        return scenarios(body, sm.get("runs"));
      }
      default -> {
        problem(sm.get("type") == null ? sm : sm.get("type"), "sweep.type",
            SWEEP_TYPES.contains(type)
                ? "'" + type + "' sweeps choose their points at run time, which aiperf-java"
                    + " does not do; use grid, zip or scenarios"
                : "was '" + type + "' but it must be grid, zip or scenarios");
        return List.of();
      }
    }
  }

  private static String resolvePath(String path) {
    String snake = Normalizer.snake(path);
    return path.indexOf('.') < 0 && PHASE_ALIASES.contains(snake)
        ? "phases.profiling." + snake : path;
  }

  private boolean checkPath(String path, Node at, String shown) {
    String first = path.split("\\.", 2)[0];
    String why = path.isEmpty() || path.startsWith(".") || path.endsWith(".")
        || path.contains("..") ? "is not a dotted path"
        : first.equals("benchmark") ? "must not start with 'benchmark.': paths are relative to"
            + " the benchmark: section (e.g. phases.profiling.rate)"
        : Set.of("sweep", "multi_run", "random_seed", "variables").contains(first)
            ? "names the top-level '" + first + "', which cannot be swept by aiperf-java"
        : null;
    if (why != null) {
      problem(at, shown, why);
      return false;
    }
    return true;
  }

  /** A grid (every combination) or zip (side by side) over the given lists. */
  private List<Variation> product(Node.MapNode body, Map<String, Node> lists, boolean zip) {
    List<String> paths = new ArrayList<>(lists.keySet());
    List<List<Node>> values = new ArrayList<>();
    for (Node l : lists.values()) {
      values.add(((Node.ListNode) l).items());
    }
    List<List<Node>> combos = new ArrayList<>();
    if (zip) {
      int n = values.stream().mapToInt(List::size).min().orElse(0);
      if (values.stream().anyMatch(v -> v.size() != n)) {
        problem(lists.get(paths.get(0)), "sweep.parameters", "a zip sweep needs lists of one"
            + " length, but they have " + values.stream().map(v -> String.valueOf(v.size()))
                .toList());
        return List.of();
      }
      for (int i = 0; i < n; i++) {
        List<Node> c = new ArrayList<>();
        for (List<Node> v : values) {
          c.add(v.get(i));
        }
        combos.add(c);
      }
    } else {
      combos.add(List.of());
      for (List<Node> v : values) {
        List<List<Node>> next = new ArrayList<>();
        for (List<Node> c : combos) {
          for (Node x : v) {
            List<Node> d = new ArrayList<>(c);
            d.add(x);
            next.add(d);
          }
        }
        combos = next;
      }
    }
    List<Variation> out = new ArrayList<>();
    for (int i = 0; i < combos.size(); i++) {
      Node.MapNode variant = body.copy();
      Map<String, Node> set = new LinkedHashMap<>();
      List<String> label = new ArrayList<>();
      List<String> dir = new ArrayList<>();
      for (int j = 0; j < paths.size(); j++) {
        Node value = combos.get(i).get(j);
        if (!set(variant, paths.get(j), value.copy())) {
          return List.of();
        }
        set.put(paths.get(j), value);
        label.add(paths.get(j) + "=" + python(value));
        dir.add(paths.get(j).substring(paths.get(j).lastIndexOf('.') + 1) + "_" + python(value));
      }
      out.add(new Variation(i, String.join(", ", label), sanitize(String.join("__", dir), i),
          set, variant));
    }
    return out;
  }

  private List<Variation> scenarios(Node.MapNode body, @Nullable Node runs) {
    if (!(runs instanceof Node.ListNode list) || list.items().isEmpty()) {
      problem(runs == null ? body : runs, "sweep.runs", "a scenarios sweep needs runs: a list of"
          + " {name: ..., benchmark: {...}} entries");
      return List.of();
    }
    List<Variation> out = new ArrayList<>();
    for (int i = 0; i < list.items().size(); i++) {
      String shown = "sweep.runs[" + i + "]";
      if (!(list.items().get(i) instanceof Node.MapNode run)) {
        problem(list.items().get(i), shown, "must be a mapping with name: and benchmark:");
        continue;
      }
      for (Node.MapNode.Entry e : run.entries().values()) {
        if (!Set.of("name", "benchmark", "values").contains(e.key().name())) {
          problems.add(new ConfigProblem(file, e.key().mark(), shown + "." + e.key().name(),
              e.key().name().equals("variables")
                  ? "Jinja2 variables are not supported by aiperf-java"
                  : "is not a key of a scenario run; it takes name, benchmark and values"));
        }
      }
      String name = run.get("name") instanceof Node.Scalar s && s.value() != null
          ? String.valueOf(s.value()) : "scenario_" + i;
      if (name.matches(".*([/\\\\]|\\.\\.).*") || name.matches("\\.+")) {
        problem(run.get("name") == null ? run : run.get("name"), shown + ".name",
            "was '" + name + "' but it must be usable as a directory name (no '/', '\\' or"
                + " '..')");
        continue;
      }
      Node.MapNode variant = body.copy();
      Map<String, Node> values = new LinkedHashMap<>();
      if (run.get("benchmark") instanceof Node.MapNode over) {
        merge(variant, over);
        over.entries().forEach((k, e) -> values.put(k, e.value()));
      } else if (run.has("benchmark")) {
        problem(run.get("benchmark"), shown + ".benchmark", "must be a mapping");
      }
      if (run.get("values") instanceof Node.MapNode explicit) {
        values.clear();
        explicit.entries().forEach((k, e) -> values.put(k, e.value()));
      }
      boolean nested = values.values().stream().anyMatch(v -> !(v instanceof Node.Scalar));
      String dir = values.isEmpty() || nested ? name : values.entrySet().stream()
          .map(e -> e.getKey().substring(e.getKey().lastIndexOf('.') + 1) + "_"
              + python(e.getValue()))
          .reduce((a, b) -> a + "__" + b).orElse(name);
      out.add(new Variation(i, name, sanitize(dir, i), values, variant));
    }
    return out;
  }

  /** AIPerf's deep merge: mappings recursively, lists of named entries by name, else replace. */
  static void merge(Node.MapNode base, Node.MapNode over) {
    for (Node.MapNode.Entry e : over.entries().values()) {
      Node old = base.get(e.key().name());
      Node value = e.value();
      if (old instanceof Node.MapNode om && value instanceof Node.MapNode vm
          && !distributionSwap(om, vm)) {
        merge(om, vm);
      } else if (old instanceof Node.ListNode ol && value instanceof Node.ListNode vl
          && namedList(ol) && namedList(vl)) {
        for (Node item : vl.items()) {
          Node.MapNode im = (Node.MapNode) item;
          Node.MapNode match = find(ol, nameOf(im));
          if (match == null) {
            ol.items().add(im.copy());
          } else {
            merge(match, im);
          }
        }
      } else {
        base.put(e.key(), value.copy());
      }
    }
  }

  private static boolean distributionSwap(Node.MapNode a, Node.MapNode b) {
    Set<String> keys = Set.of("peaks", "points", "value", "median", "stddev");
    Set<String> ka = new java.util.HashSet<>(a.entries().keySet());
    Set<String> kb = new java.util.HashSet<>(b.entries().keySet());
    ka.retainAll(keys);
    kb.retainAll(keys);
    return !ka.isEmpty() && !kb.isEmpty() && !ka.equals(kb);
  }

  private static boolean namedList(Node.ListNode l) {
    return !l.items().isEmpty() && l.items().stream().allMatch(i -> i instanceof Node.MapNode m
        && m.get("name") instanceof Node.Scalar s && s.value() instanceof String);
  }

  private static String nameOf(Node.MapNode m) {
    return String.valueOf(((Node.Scalar) java.util.Objects.requireNonNull(m.get("name")))
        .value());
  }

  private static Node.@Nullable MapNode find(Node.ListNode l, String name) {
    for (Node i : l.items()) {
      if (i instanceof Node.MapNode m && m.get("name") instanceof Node.Scalar s
          && name.equals(s.value())) {
        return m;
      }
    }
    return null;
  }

  /** Sets a dotted path in a body; a named list's segment is an entry's name or index. */
  private boolean set(Node.MapNode body, String path, Node value) {
    String[] keys = path.split("\\.");
    Node current = body;
    for (int i = 0; i < keys.length; i++) {
      String key = keys[i];
      boolean last = i == keys.length - 1;
      if (current instanceof Node.ListNode list && namedList(list)) {
        Node.MapNode match = entry(list, key, i > 0 ? keys[i - 1] : "");
        if (match == null) {
          problem(value, "sweep.parameters." + path, "names '" + key + "', which is not the"
              + " name of an entry of " + (i > 0 ? keys[i - 1] : "the list") + " (they are "
              + list.items().stream().map(n -> nameOf((Node.MapNode) n)).toList() + ")");
          return false;
        }
        if (last) {
          problem(value, "sweep.parameters." + path, "ends at a list entry; name a setting of"
              + " it, e.g. " + path + ".concurrency");
          return false;
        }
        current = match;
        continue;
      }
      if (!(current instanceof Node.MapNode map)) {
        problem(value, "sweep.parameters." + path, "goes through '" + keys[i - 1] + "', which is"
            + " " + Node.kind(current) + ", not a mapping");
        return false;
      }
      String name = map.has(key) ? key : Normalizer.snake(key);
      if (last) {
        map.put(name, value);
        return true;
      }
      Node next = map.get(name);
      if (next == null) {
        next = new Node.MapNode(value.mark());
        map.put(name, next);
      }
      current = next;
    }
    return true;
  }

  /** An entry of a named list by index, name, or (for phases.profiling) the profiling kind. */
  private static Node.@Nullable MapNode entry(Node.ListNode list, String key, String parent) {
    if (parent.equals("phases") && key.chars().allMatch(Character::isDigit)) {
      int i = Integer.parseInt(key);
      return i < list.items().size() ? (Node.MapNode) list.items().get(i) : null;
    }
    Node.MapNode direct = find(list, key);
    if (direct != null || !key.equals("profiling") || !parent.equals("phases")) {
      return direct;
    }
    List<Node.MapNode> profiling = new ArrayList<>();
    for (Node n : list.items()) {
      Node.MapNode m = (Node.MapNode) n;
      Object kind = m.get("kind") instanceof Node.Scalar s ? s.value() : null;
      boolean warmup = "warmup".equals(kind) || "warmup".equals(nameOf(m))
          || m.get("exclude_from_results") instanceof Node.Scalar x && Boolean.TRUE.equals(x.value());
      if ("profiling".equals(kind) || kind == null && !warmup) {
        profiling.add(m);
      }
    }
    return profiling.size() == 1 ? profiling.get(0) : null;
  }

  /** Lists of numbers under a phase's sweepable keys, by path. */
  private static Map<String, Node> magicLists(Node.MapNode body) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (body.get("phases") instanceof Node.ListNode phases) {
      for (Node p : phases.items()) {
        if (p instanceof Node.MapNode pm && pm.get("name") instanceof Node.Scalar n
            && n.value() instanceof String name) {
          for (Node.MapNode.Entry e : pm.entries().values()) {
            if (MAGIC.contains(e.key().name()) && e.value() instanceof Node.ListNode l
                && !l.items().isEmpty() && l.items().stream().allMatch(i -> i instanceof
                    Node.Scalar s && s.value() instanceof Number)) {
              out.put("phases." + name + "." + e.key().name(), l);
            }
          }
        }
      }
    }
    return out;
  }

  /** A value as Python's str() shows it, as AIPerf writes labels and directory names. */
  static String python(Node n) {
    if (n instanceof Node.Scalar s) {
      Object v = s.value();
      if (v == null) {
        return "None";
      }
      if (v instanceof Boolean b) {
        return b ? "True" : "False";
      }
      if (v instanceof Double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e16 ? String.format(Locale.ROOT, "%.1f", d)
            : String.valueOf(d);
      }
      return String.valueOf(v);
    }
    return n instanceof Node.ListNode ? "[...]" : "{...}";
  }

  private static String sanitize(String segment, int index) {
    String s = segment.replaceAll("[/\\\\]|\\.\\.", "").replaceAll("[<>:\"|?*]", "");
    return s.isEmpty() || s.matches("\\.+") ? "variation_" + index : s;
  }

  private void problem(@Nullable Node at, String key, String message) {
    problems.add(new ConfigProblem(file, at == null ? Node.Mark.NONE : at.mark(), key, message));
  }
}
