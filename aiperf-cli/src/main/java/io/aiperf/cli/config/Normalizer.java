package io.aiperf.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Brings a configuration to one shape before it is read, as AIPerf 0.13's loader does: keys in
 * snake_case (AIPerf accepts camelCase and snake_case alike), body keys written at the top level
 * moved under {@code benchmark:} (AIPerf's pre-2.0 flat shape, with a warning), and the shorthand
 * forms expanded: {@code model:} to {@code models:}, {@code dataset:} to a one-entry
 * {@code datasets:} named {@code default}, {@code warmup:}/{@code profiling:} and a flat
 * {@code phases: {type: ...}} to a named {@code phases:} list, and a synthetic dataset's
 * {@code isl:}/{@code osl:} into its {@code prompts:}.
 */
final class Normalizer {
  /** Maps whose keys are the user's own names (headers, metric tags, ...), kept as written. */
  private static final Set<String> OPAQUE = Set.of("benchmark.endpoint.headers",
      "benchmark.endpoint.extra", "benchmark.slos", "variables", "plot", "sweep.parameters",
      "benchmark.artifacts.user_files[].content", "benchmark.datasets[].records[]",
      "benchmark.dataset.records[]", "benchmark.metrics");
  static final Set<String> BODY_KEYS = Set.of("model", "models", "endpoint", "dataset",
      "datasets", "phases", "warmup", "profiling", "artifacts", "slos", "tokenizer",
      "gpu_telemetry", "server_metrics", "runtime", "logging", "metrics", "accuracy");

  private final Path file;
  private final List<ConfigProblem> problems;
  private final List<String> warnings;

  Normalizer(Path file, List<ConfigProblem> problems, List<String> warnings) {
    this.file = file;
    this.problems = problems;
    this.warnings = warnings;
  }

  /** camelCase to snake_case, as pydantic's alias generator maps them back. */
  static String snake(String key) {
    StringBuilder b = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Normalizes the envelope in place. */
  void normalize(Node.MapNode root) {
    snakeKeys(root, "", "");
    migrateFlatShape(root);
    Node body = root.get("benchmark");
    if (body instanceof Node.MapNode b) {
      normalizeBody(b, "benchmark");
    }
    Node sweep = root.get("sweep");
    if (sweep instanceof Node.MapNode s && s.get("runs") instanceof Node.ListNode runs) {
      for (int i = 0; i < runs.items().size(); i++) {
        if (runs.items().get(i) instanceof Node.MapNode run
            && run.get("benchmark") instanceof Node.MapNode rb) {
          normalizeBody(rb, "sweep.runs[" + i + "].benchmark");
        }
      }
    }
  }

  /** Renames keys to snake_case, except in maps of user-chosen names. */
  private void snakeKeys(Node n, String schemaPath, String shown) {
    if (OPAQUE.contains(schemaPath)) {
      return;
    }
    if (n instanceof Node.ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        snakeKeys(l.items().get(i), schemaPath + "[]", shown + "[" + i + "]");
      }
      return;
    }
    if (!(n instanceof Node.MapNode m)) {
      return;
    }
    List<Node.MapNode.Entry> entries = new ArrayList<>(m.entries().values());
    m.entries().clear();
    for (Node.MapNode.Entry e : entries) {
      String name = snake(e.key().name());
      String path = shown.isEmpty() ? name : shown + "." + name;
      Node.MapNode.Entry earlier = m.entry(name);
      if (earlier != null) {
        problems.add(new ConfigProblem(file, e.key().mark(), path, "is given twice, as '"
            + earlier.key().name() + "' (line " + earlier.key().mark().line() + ") and as '"
            + e.key().name() + "'; camelCase and snake_case name the same setting"));
        continue;
      }
      m.put(new Node.Key(name, e.key().mark()), e.value());
      snakeKeys(e.value(), schemaPath.isEmpty() ? name : schemaPath + "." + name, path);
    }
  }

  private void migrateFlatShape(Node.MapNode root) {
    List<String> moved = new ArrayList<>();
    for (String k : List.copyOf(root.entries().keySet())) {
      if (BODY_KEYS.contains(k)) {
        moved.add(k);
      }
    }
    if (moved.isEmpty()) {
      return;
    }
    Node.MapNode body = root.get("benchmark") instanceof Node.MapNode b ? b
        : new Node.MapNode(root.mark());
    for (String k : moved) {
      Node.MapNode.Entry e = root.remove(k);
      if (e != null && !body.has(k)) {
        body.put(e.key(), e.value());
      }
    }
    if (!root.has("benchmark")) {
      root.put(new Node.Key("benchmark", root.mark()), body);
    }
    warnings.add(file + " has " + String.join(", ", moved) + " at the top level (AIPerf's"
        + " flat shape before schema 2.0); they were read as if under benchmark:. Move them"
        + " under benchmark: to silence this.");
  }

  private void normalizeBody(Node.MapNode b, String path) {
    exclusive(b, path, "warmup", "phases");
    exclusive(b, path, "profiling", "phases");
    exclusive(b, path, "dataset", "datasets");
    exclusive(b, path, "model", "models");
    if (b.has("warmup") && !b.has("profiling") && !b.has("phases")) {
      Node.MapNode.Entry w = b.entry("warmup");
      problems.add(new ConfigProblem(file, w == null ? b.mark() : w.key().mark(),
          path + ".warmup", "needs a profiling: phase beside it; a warmup alone measures"
              + " nothing"));
    }
    if (b.has("warmup") || b.has("profiling")) {
      if (!b.has("phases")) {
        Node.ListNode phases = new Node.ListNode(b.mark());
        for (String kind : List.of("warmup", "profiling")) {
          Node.MapNode.Entry e = b.remove(kind);
          if (e != null) {
            phases.items().add(named(e.value(), kind, kind));
          }
        }
        b.put(new Node.Key("phases", phases.mark()), phases);
      }
    }
    Node.MapNode.Entry model = b.entry("model");
    if (model != null && !b.has("models")) {
      b.remove("model");
      b.put(new Node.Key("models", model.key().mark()), model.value());
    }
    Node.MapNode.Entry dataset = b.entry("dataset");
    if (dataset != null && !b.has("datasets")) {
      b.remove("dataset");
      Node.ListNode list = new Node.ListNode(dataset.value().mark());
      list.items().add(named(dataset.value(), "default", null));
      b.put(new Node.Key("datasets", dataset.key().mark()), list);
    }
    Node phases = b.get("phases");
    if (phases instanceof Node.MapNode flat && flat.has("type")) {
      Node.ListNode list = new Node.ListNode(flat.mark());
      list.items().add(named(flat, "profiling", "profiling"));
      b.put("phases", list);
    } else if (phases instanceof Node.ListNode list) {
      for (Node p : list.items()) {
        if (p instanceof Node.MapNode pm && !pm.has("kind")
            && pm.get("name") instanceof Node.Scalar s
            && ("warmup".equals(s.value()) || "profiling".equals(s.value()))) {
          pm.put(new Node.Key("kind", Node.Mark.NONE), new Node.Scalar(s.value(), Node.Mark.NONE));
        }
      }
    }
    if (b.get("datasets") instanceof Node.ListNode datasets) {
      for (Node d : datasets.items()) {
        if (d instanceof Node.MapNode dm) {
          hoistPromptLengths(dm);
        }
      }
    }
  }

  private void exclusive(Node.MapNode b, String path, String shorthand, String full) {
    Node.MapNode.Entry s = b.entry(shorthand);
    Node.MapNode.Entry f = b.entry(full);
    if (s != null && f != null) {
      problems.add(new ConfigProblem(file, s.key().mark(), path + "." + shorthand,
          "cannot be used with " + full + ": (line " + f.key().mark().line() + "); use '"
              + shorthand + "' for the short form or '" + full + "' for the full one"));
      b.remove(shorthand);
    }
  }

  /** A copy of a mapping with a name (and phase kind) put first, unless it has them already. */
  private static Node named(Node n, String name, @Nullable String kind) {
    if (!(n instanceof Node.MapNode m)) {
      return n;
    }
    Node.MapNode out = new Node.MapNode(m.mark());
    if (!m.has("name")) {
      out.put(new Node.Key("name", Node.Mark.NONE), new Node.Scalar(name, Node.Mark.NONE));
    }
    if (kind != null && !m.has("kind")) {
      out.put(new Node.Key("kind", Node.Mark.NONE), new Node.Scalar(kind, Node.Mark.NONE));
    }
    m.entries().values().forEach(e -> out.put(e.key(), e.value()));
    return out;
  }

  /** A synthetic dataset's top-level isl/osl go into prompts:, unless prompts has them. */
  private static void hoistPromptLengths(Node.MapNode d) {
    Node type = d.get("type");
    if (type != null && !(type instanceof Node.Scalar s
        && "synthetic".equals(String.valueOf(s.value()).toLowerCase(Locale.ROOT)))) {
      return;
    }
    for (String key : List.of("isl", "osl")) {
      Node.MapNode.Entry e = d.entry(key);
      if (e == null) {
        continue;
      }
      Node.MapNode prompts = d.get("prompts") instanceof Node.MapNode p ? p : null;
      if (prompts == null) {
        if (d.has("prompts")) {
          continue; // a wrong prompts: value is reported where it is read
        }
        prompts = new Node.MapNode(e.key().mark());
        d.put(new Node.Key("prompts", e.key().mark()), prompts);
      }
      d.remove(key);
      if (!prompts.has(key)) {
        prompts.put(e.key(), e.value());
      }
    }
  }
}
