package io.aiperf.cli.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one variation's {@code benchmark:} section (plus the envelope's {@code random_seed:})
 * into the {@code aiperf profile} flags that set the same things. Every key it reads is marked;
 * {@link Leftovers} then reports the keys nobody read. The section readers live in
 * {@link BodyReader}; this class holds the order and what needs the whole body at once.
 */
final class Translator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Translator() {}

  /**
   * Translates a variation.
   *
   * @param file the configuration file, for messages and relative paths
   * @param root the whole (normalized) envelope
   * @param body the variation's benchmark section
   * @param problems where problems go
   * @param warnings where warnings go
   * @param cwd the directory relative paths are tried against after the file's own
   * @return the flags, in the order they are set
   */
  static List<FileFlag> translate(Path file, Node.MapNode root, Node.MapNode body,
      List<ConfigProblem> problems, List<String> warnings, Path cwd) {
    Fields f = new Fields(file, problems, warnings);
    Fields.Sec envelope = new Fields.Sec(root, "");
    sweep(f, envelope);
    f.take(envelope, "schema_version");
    Node version = root.get("schema_version");
    if (version instanceof Node.Scalar v && v.value() != null
        && !"2.0".equals(String.valueOf(v.value())) && !Double.valueOf(2.0).equals(v.value())) {
      f.problem(v, "schema_version", "was '" + v.text() + "' but AIPerf 0.13's schema is \"2.0\"");
    }
    Long seed = f.integer(envelope, "random_seed", 0);
    multiRun(f, envelope);
    Node variables = f.take(envelope, "variables");
    if (variables instanceof Node.MapNode vm && !vm.entries().isEmpty()) {
      f.problem(vm, "variables", "defines Jinja2 variables, which aiperf-java does not"
          + " support; write the values in place");
    }
    Fields.Sec b = new Fields.Sec(body, "benchmark");
    BodyReader reader = new BodyReader(f, file, cwd);
    reader.models(b);
    reader.endpoint(b);
    reader.datasets(b, seed);
    reader.phases(b);
    reader.artifacts(b);
    reader.rest(b);
    jinja(body, "benchmark", f);
    Leftovers.check(root, f);
    return f.flags;
  }

  /**
   * The sweep block: its points were expanded before this ({@code type}, {@code parameters},
   * {@code runs}); the pause between points and their order are the sweep flags'. Its other
   * keys (adaptive search, labels, seeds) are left for {@link Leftovers} to report.
   */
  private static void sweep(Fields f, Fields.Sec envelope) {
    Fields.Sec sweep = f.section(envelope, "sweep");
    if (sweep == null) {
      f.take(envelope, "sweep");
      return;
    }
    for (String expanded : List.of("type", "parameters", "runs")) {
      f.take(sweep, expanded);
    }
    Double cooldown = f.seconds(sweep, "cooldown_seconds", false, false);
    if (cooldown != null && cooldown > 0) {
      f.emit("--parameter-sweep-cooldown-seconds", BodyReader.node(sweep, "cooldown_seconds"),
          sweep.child("cooldown_seconds"), Fields.plain(cooldown));
    }
    String order = f.choice(sweep, "iteration_order", List.of("repeated", "independent"));
    if (order != null && !order.equals("repeated")) {
      f.emit("--parameter-sweep-mode", BodyReader.node(sweep, "iteration_order"),
          sweep.child("iteration_order"), order);
    }
  }

  /**
   * {@code multi_run}: repeated runs of each benchmark with confidence statistics, AIPerf's
   * keys for the repeat flags ({@code --num-profile-runs}, {@code --confidence-level},
   * {@code --convergence-*}, ...). {@code vary_seed_per_trial} and a {@code min_runs} other
   * than AIPerf's 2 are left for {@link Leftovers} to report.
   */
  private static void multiRun(Fields f, Fields.Sec envelope) {
    Fields.Sec m = f.section(envelope, "multi_run");
    if (m == null) {
      return;
    }
    Long runs = f.integer(m, "num_runs", 1);
    if (runs != null && runs > 1) {
      f.emit("--num-profile-runs", BodyReader.node(m, "num_runs"), m.child("num_runs"),
          String.valueOf(runs));
    }
    Double level = f.number(m, "confidence_level", 0, false);
    if (level != null && level != 0.95) {
      f.emit("--confidence-level", BodyReader.node(m, "confidence_level"),
          m.child("confidence_level"), Fields.plain(level));
    }
    Double cooldown = f.seconds(m, "cooldown_seconds", false, false);
    if (cooldown != null && cooldown > 0) {
      f.emit("--profile-run-cooldown-seconds", BodyReader.node(m, "cooldown_seconds"),
          m.child("cooldown_seconds"), Fields.plain(cooldown));
    }
    Boolean warmupOnce = f.bool(m, "disable_warmup_after_first");
    if (Boolean.FALSE.equals(warmupOnce)) {
      f.emit("--no-profile-run-disable-warmup-after-first",
          BodyReader.node(m, "disable_warmup_after_first"), m.child("disable_warmup_after_first"));
    }
    Boolean consistent = f.bool(m, "set_consistent_seed");
    if (Boolean.FALSE.equals(consistent)) {
      f.emit("--no-set-consistent-seed", BodyReader.node(m, "set_consistent_seed"),
          m.child("set_consistent_seed"));
    }
    Fields.Sec c = f.section(m, "convergence");
    if (c != null) {
      String metric = f.string(c, "metric");
      if (metric != null) {
        f.emit("--convergence-metric", BodyReader.node(c, "metric"), c.child("metric"), metric);
      }
      String stat = f.string(c, "stat");
      if (stat != null && !stat.equals("avg")) {
        f.emit("--convergence-stat", BodyReader.node(c, "stat"), c.child("stat"), stat);
      }
      String mode = f.choice(c, "mode", List.of("ci_width", "cv"));
      if (mode != null && !mode.equals("ci_width")) {
        f.emit("--convergence-mode", BodyReader.node(c, "mode"), c.child("mode"), mode);
      }
      Double threshold = f.number(c, "threshold", 0, false);
      if (threshold != null) {
        f.emit("--convergence-threshold", BodyReader.node(c, "threshold"), c.child("threshold"),
            Fields.plain(threshold));
      }
    }
  }

  /** Jinja2 templates ({{ ... }}) are AIPerf's; aiperf-java reports them where they are. */
  private static void jinja(Node n, String path, Fields f) {
    if (n instanceof Node.MapNode m) {
      m.entries().forEach((k, e) -> jinja(e.value(), path + "." + k, f));
    } else if (n instanceof Node.ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        jinja(l.items().get(i), path + "[" + i + "]", f);
      }
    } else if (n instanceof Node.Scalar s && s.value() instanceof String str
        && (str.contains("{{") || str.contains("{%")) && !path.contains(".template")
        && !path.contains(".extra")) {
      f.problem(s, path, "holds a Jinja2 expression, which aiperf-java does not evaluate;"
          + " write the value itself (environment variables work: ${VAR:default})");
    }
  }

  /** Inline dataset records written to a JSONL file for the run. */
  static Path writeRecords(List<Object> records) {
    try {
      Path p = Files.createTempFile("aiperf-inline-dataset-", ".jsonl");
      p.toFile().deleteOnExit();
      StringBuilder b = new StringBuilder();
      for (Object r : records) {
        b.append(JSON.writeValueAsString(r)).append('\n');
      }
      Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the inline dataset records: "
          + e.getMessage(), e);
    }
  }

  /** A node as plain Java values, for JSON. */
  static @Nullable Object plain(Node n) {
    if (n instanceof Node.MapNode m) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      m.entries().forEach((k, e) -> out.put(k, plain(e.value())));
      return out;
    }
    if (n instanceof Node.ListNode l) {
      List<@Nullable Object> out = new ArrayList<>();
      l.items().forEach(i -> out.add(plain(i)));
      return out;
    }
    return ((Node.Scalar) n).value();
  }

  /** A JSON text of a node's value. */
  static String json(Node n) {
    try {
      return JSON.writeValueAsString(plain(n));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
