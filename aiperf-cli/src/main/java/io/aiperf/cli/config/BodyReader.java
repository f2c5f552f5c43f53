package io.aiperf.cli.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the sections of a {@code benchmark:} body into flags: models, endpoint, the dataset,
 * the phases, artifacts and the smaller sections. Each value is checked against AIPerf 0.13's
 * types and ranges here, where its line is known; what the flag then does with it is the same
 * code the command line runs.
 */
final class BodyReader {
  private static final List<String> PHASE_TYPES = List.of("concurrency", "poisson", "gamma",
      "constant", "user_centric", "fixed_schedule");

  private final Fields f;
  private final Path file;
  private final Path cwd;

  BodyReader(Fields f, Path file, Path cwd) {
    this.f = f;
    this.file = file;
    this.cwd = cwd;
  }

  void models(Fields.Sec b) {
    Node n = f.take(b, "models");
    String key = "benchmark.models";
    if (n == null) {
      f.problem(b.map(), key, "is missing: name the model(s), e.g. model: my-model");
      return;
    }
    List<String> names = new ArrayList<>();
    if (n instanceof Node.Scalar s && s.value() instanceof String str) {
      names.add(str);
    } else if (n instanceof Node.ListNode l) {
      for (Node i : l.items()) {
        if (i instanceof Node.Scalar s && s.value() instanceof String str) {
          names.add(str);
        } else {
          f.problem(i, key, "must list model names but holds " + Node.kind(i));
        }
      }
    } else if (n instanceof Node.MapNode m) {
      f.consumed.remove(key); // its keys are read one by one
      Fields.Sec sec = new Fields.Sec(m, key);
      String strategy = f.choice(sec, "strategy", List.of("round_robin", "random", "weighted"));
      if ("weighted".equals(strategy)) {
        f.problem(m.get("strategy"), key + ".strategy", "was 'weighted' but aiperf-java"
            + " spreads entries over models round_robin or random");
      } else if (strategy != null) {
        f.emit("--model-selection-strategy", Objects.requireNonNull(m.get("strategy")),
            key + ".strategy", strategy);
      }
      Node items = f.take(sec, "items");
      if (items instanceof Node.ListNode l) {
        f.consumed.remove(key + ".items");
        for (int i = 0; i < l.items().size(); i++) {
          if (l.items().get(i) instanceof Node.MapNode item) {
            String name = f.string(new Fields.Sec(item, key + ".items[" + i + "]"), "name");
            if (name != null) {
              names.add(name);
            }
          } else {
            f.problem(l.items().get(i), key + ".items[" + i + "]", "must be {name: ...}");
          }
        }
      } else {
        f.problem(m, key + ".items", "is missing: list the models as items: [{name: ...}]");
      }
    } else {
      f.problem(n, key, "must be a model name, a list of names or {items: [...]} but was "
          + Fields.shown(n));
    }
    if (!names.isEmpty()) {
      f.emit("--model", n, key, String.join(",", names));
    }
  }

  void endpoint(Fields.Sec b) {
    Fields.Sec e = f.section(b, "endpoint");
    if (e == null) {
      f.problem(b.map(), "benchmark.endpoint", "is missing: it needs at least url:");
      return;
    }
    Node url = e.map().get("url");
    Node urls = e.map().get("urls");
    if (url != null && urls != null) {
      f.problem(url, e.child("url"), "and urls: (line " + urls.mark().line() + ") are both"
          + " given; use one");
    }
    String urlKey = url != null ? "url" : "urls";
    List<String> list = f.strings(e, urlKey, false);
    if (list != null && !list.isEmpty()) {
      f.emit("--url", Objects.requireNonNull(e.map().get(urlKey)), e.child(urlKey),
          String.join(",", list));
    } else if (list == null && url == null && urls == null) {
      f.problem(e.map(), e.child("urls"), "is missing: give the server's URL, e.g."
          + " url: http://localhost:8000");
    }
    String strategy = f.choice(e, "url_strategy", List.of("round_robin"));
    if (strategy != null) {
      flagUnlessDefault(e, "url_strategy", "--url-strategy", strategy, "round_robin");
    }
    String type = f.string(e, "type");
    if (type != null) {
      f.emit("--endpoint-type", Objects.requireNonNull(e.map().get("type")), e.child("type"),
          type);
    }
    str(e, "path", "--custom-endpoint");
    str(e, "api_key", "--api-key");
    Double timeout = f.seconds(e, "timeout", false, false);
    if (timeout != null) {
      f.emit("--request-timeout-seconds", node(e, "timeout"), e.child("timeout"),
          Fields.plain(timeout));
    }
    flag(e, "streaming", "--streaming");
    flag(e, "use_legacy_max_tokens", "--use-legacy-max-tokens");
    flag(e, "use_server_token_count", "--use-server-token-count");
    f.choice(e, "transport", List.of("http"));
    String reuse = f.choice(e, "connection_reuse", List.of("pooled", "never",
        "sticky-user-sessions"));
    if (reuse != null) {
      flagUnlessDefault(e, "connection_reuse", "--connection-reuse-strategy", reuse, "pooled");
    }
    String contentType = f.choice(e, "request_content_type", List.of("application/json",
        "multipart/form-data"));
    if (contentType != null) {
      f.emit("--request-content-type", node(e, "request_content_type"),
          e.child("request_content_type"), contentType);
    }
    str(e, "session_header", "--session-header");
    Double wait = f.seconds(e, "wait_for_model_timeout", false, false);
    if (wait != null && wait > 0) {
      f.emit("--wait-for-model-timeout", node(e, "wait_for_model_timeout"),
          e.child("wait_for_model_timeout"), Fields.plain(wait));
    }
    Double interval = f.seconds(e, "wait_for_model_interval", true, false);
    if (interval != null && interval != 5.0) {
      f.emit("--wait-for-model-interval", node(e, "wait_for_model_interval"),
          e.child("wait_for_model_interval"), Fields.plain(interval));
    }
    String mode = f.choice(e, "wait_for_model_mode", List.of("models", "inference", "both"));
    if (mode != null) {
      flagUnlessDefault(e, "wait_for_model_mode", "--wait-for-model-mode", mode, "inference");
    }
    Node headers = f.take(e, "headers");
    if (headers instanceof Node.MapNode hm) {
      for (Map.Entry<String, Node.MapNode.Entry> h : hm.entries().entrySet()) {
        if (h.getValue().value() instanceof Node.Scalar s && s.value() != null) {
          f.emit("--header", s, e.child("headers") + "." + h.getKey(),
              h.getKey() + ":" + s.value());
        } else {
          f.problem(h.getValue().value(), e.child("headers") + "." + h.getKey(),
              "must be a header value (a string) but was " + Node.kind(h.getValue().value()));
        }
      }
    } else if (headers != null) {
      f.problem(headers, e.child("headers"), "must be a mapping of header names to values");
    }
    Node extra = f.take(e, "extra");
    if (extra instanceof Node.MapNode xm) {
      if (!xm.entries().isEmpty()) {
        f.emit("--extra-inputs", xm, e.child("extra"), Translator.json(xm));
      }
    } else if (extra != null) {
      f.problem(extra, e.child("extra"), "must be a mapping of body fields to values");
    }
    Fields.Sec template = f.section(e, "template");
    if (template != null) {
      String body = f.string(template, "body");
      if (body != null) {
        f.emit("--extra-inputs", node(template, "body"), template.child("body"),
            "payload_template:" + body);
      } else if (!template.map().has("body")) {
        f.problem(template.map(), template.child("body"), "is missing: the request body"
            + " template");
      }
      String field = f.string(template, "response_field");
      if (field != null) {
        f.emit("--extra-inputs", node(template, "response_field"),
            template.child("response_field"), "response_field:" + field);
      }
    }
  }

  void datasets(Fields.Sec b, @Nullable Long seed) {
    Node n = f.take(b, "datasets");
    String key = "benchmark.datasets";
    Node seedAt = b.map().get("random_seed");
    if (n == null) {
      f.problem(b.map(), key, "is missing: describe the prompts, e.g. dataset: {type:"
          + " synthetic, entries: 100, prompts: {isl: 512, osl: 128}}");
      return;
    }
    if (!(n instanceof Node.ListNode l) || l.items().size() != 1
        || !(l.items().get(0) instanceof Node.MapNode d)) {
      f.problem(n, key, n instanceof Node.ListNode l2 && l2.items().size() > 1
          ? "has " + l2.items().size() + " datasets but a benchmark runs exactly one (as in"
              + " AIPerf 0.13)"
          : "must be a list of one dataset mapping");
      return;
    }
    f.consumed.remove(key);
    new DatasetReader(f, file, cwd).dataset(new Fields.Sec(d, key + "[0]"), seed, seedAt);
  }

  void phases(Fields.Sec b) {
    Node n = f.take(b, "phases");
    String key = "benchmark.phases";
    if (n == null) {
      f.problem(b.map(), key, "is missing: describe the load, e.g. phases: {type: concurrency,"
          + " concurrency: 8, requests: 100}");
      return;
    }
    if (!(n instanceof Node.ListNode l) || l.items().isEmpty()) {
      f.problem(n, key, "must be a list of phases (or one phase with a type:)");
      return;
    }
    f.consumed.remove(key);
    Fields.Sec warmup = null;
    Fields.Sec profiling = null;
    for (int i = 0; i < l.items().size(); i++) {
      String path = key + "[" + i + "]";
      if (!(l.items().get(i) instanceof Node.MapNode pm)) {
        f.problem(l.items().get(i), path, "must be a phase mapping with a type:");
        continue;
      }
      Fields.Sec p = new Fields.Sec(pm, path);
      String name = f.string(p, "name");
      String kind = f.choice(p, "kind", List.of("warmup", "profiling"));
      if (kind == null && ("warmup".equals(name) || "profiling".equals(name))) {
        kind = name;
      }
      Boolean exclude = f.bool(p, "exclude_from_results");
      if (kind == null) {
        f.problem(pm, path, "is named '" + name + "' without kind: warmup or profiling"
            + " (a phase named warmup or profiling has it implied)");
        continue;
      }
      if (exclude != null && exclude != kind.equals("warmup")) {
        f.problem(pm.get("exclude_from_results"), p.child("exclude_from_results"), "must be "
            + kind.equals("warmup") + " for a " + kind + " phase");
      }
      if (kind.equals("warmup")) {
        if (warmup != null) {
          f.problem(pm, path, "is a second warmup phase; aiperf-java runs one warmup phase"
              + " and one profiling phase");
        }
        warmup = p;
      } else {
        if (profiling != null) {
          f.problem(pm, path, "is a second profiling phase; aiperf-java runs one warmup phase"
              + " and one profiling phase");
        }
        profiling = p;
      }
    }
    if (profiling == null) {
      f.problem(n, key, "has no profiling phase; a warmup alone measures nothing");
      return;
    }
    String profilingType = new PhaseReader(f).profiling(profiling);
    if (warmup != null) {
      new PhaseReader(f).warmup(warmup, profilingType);
    }
  }

  void artifacts(Fields.Sec b) {
    Fields.Sec a = f.section(b, "artifacts");
    if (a == null) {
      return;
    }
    str(a, "dir", "--artifact-dir");
    str(a, "prefix", "--profile-export-prefix");
    Node summary = f.take(a, "summary");
    if (summary instanceof Node.Scalar s && Boolean.FALSE.equals(s.value())) {
      f.problem(s, a.child("summary"), "was false but aiperf-java always writes the summary"
          + " (profile_export_aiperf.json and .csv)");
    }
    Node records = f.take(a, "records");
    Boolean raw = f.bool(a, "raw");
    String level = Boolean.TRUE.equals(raw) ? "raw"
        : records instanceof Node.Scalar r && Boolean.FALSE.equals(r.value()) ? "summary"
        : null;
    if (level != null) {
      Node at = Boolean.TRUE.equals(raw) ? node(a, "raw") : Objects.requireNonNull(records);
      f.emit("--export-level", at, a.child(Boolean.TRUE.equals(raw) ? "raw" : "records"), level);
    }
    flag(a, "trace", "--export-http-trace");
    flag(a, "show_trace_timing", "--show-trace-timing");
    flag(a, "export_outputs_json", "--export-outputs-json");
    Double slice = f.seconds(a, "slice_duration", true, false);
    if (slice != null) {
      f.emit("--slice-duration", node(a, "slice_duration"), a.child("slice_duration"),
          Fields.plain(slice));
    }
    flag(a, "auto_plot", "--auto-plot");
  }

  /** slos, tokenizer, runtime, logging and the telemetry sections. */
  void rest(Fields.Sec b) {
    Node slos = f.take(b, "slos");
    if (slos instanceof Node.MapNode sm && !sm.entries().isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Node.MapNode.Entry> e : sm.entries().entrySet()) {
        Double v = f.number(e.getValue().value(), "benchmark.slos." + e.getKey(), 0, false);
        if (v != null) {
          parts.add(e.getKey() + ":" + Fields.plain(v));
        }
      }
      if (!parts.isEmpty()) {
        f.emit("--goodput", sm, "benchmark.slos", String.join(" ", parts));
      }
    } else if (slos != null && !(slos instanceof Node.MapNode)) {
      f.problem(slos, "benchmark.slos", "must map metric tags to thresholds, e.g."
          + " time_to_first_token: 500");
    }
    Fields.Sec t = f.section(b, "tokenizer");
    if (t != null) {
      str(t, "name", "--tokenizer");
    }
    Fields.Sec r = f.section(b, "runtime");
    if (r != null) {
      String ui = f.choice(r, "ui", List.of("dashboard", "none", "simple"));
      if (ui != null) {
        f.emit("--ui", node(r, "ui"), r.child("ui"), ui);
      }
      Long workers = f.integer(r, "workers", 1);
      if (workers != null) {
        f.emit("--workers-max", node(r, "workers"), r.child("workers"), workers.toString());
      }
      Long processors = f.integer(r, "record_processors", 1);
      if (processors != null) {
        f.emit("--record-processors", node(r, "record_processors"),
            r.child("record_processors"), processors.toString());
      }
    }
    Fields.Sec logging = f.section(b, "logging");
    if (logging != null) {
      String level = f.choice(logging, "level", List.of("TRACE", "DEBUG", "INFO", "NOTICE",
          "WARNING", "SUCCESS", "ERROR", "CRITICAL"));
      if (level != null) {
        flagUnlessDefault(logging, "level", "--log-level", level, "INFO");
      }
    }
    telemetry(b, "server_metrics", "--server-metrics", "--no-server-metrics");
    telemetry(b, "gpu_telemetry", "--gpu-telemetry", "--no-gpu-telemetry");
  }

  /**
   * GPU telemetry and server metrics. With {@code enabled: false} they are off; otherwise their
   * URLs go to the flag of that name when this build has it, and {@link ConfigRun} reports a
   * file that asks for them on a build without it.
   */
  private void telemetry(Fields.Sec b, String key, String flag, String offFlag) {
    Fields.Sec s = f.section(b, key);
    if (s == null) {
      return;
    }
    Boolean enabled = f.bool(s, "enabled");
    if (Boolean.FALSE.equals(enabled)) {
      s.map().entries().keySet().forEach(k -> f.consumed.add(s.child(k)));
      f.emit(offFlag, s.map(), s.child("enabled"));
      return;
    }
    List<String> urls = new ArrayList<>();
    for (String k : List.of("url", "urls")) {
      List<String> u = f.strings(s, k, false);
      if (u != null) {
        urls.addAll(u);
      }
    }
    if (!urls.isEmpty()) {
      f.emit(flag, s.map(), s.child("urls"), String.join(",", urls));
    } else if (Boolean.TRUE.equals(enabled)) {
      f.emit(flag, s.map(), s.child("enabled"));
    }
    List<String> formats = f.strings(s, "formats", true);
    if (formats != null && key.equals("server_metrics")) {
      f.emit("--server-metrics-formats", node(s, "formats"), s.child("formats"),
          String.join(",", formats));
    }
  }

  private void str(Fields.Sec s, String key, String flag) {
    String v = f.string(s, key);
    if (v != null) {
      f.emit(flag, node(s, key), s.child(key), v);
    }
  }

  private void flag(Fields.Sec s, String key, String flag) {
    Boolean v = f.bool(s, key);
    if (Boolean.TRUE.equals(v)) {
      f.emit(flag, node(s, key), s.child(key));
    }
  }

  private void flagUnlessDefault(Fields.Sec s, String key, String flag, String value,
      String aiperfDefault) {
    if (!value.equals(aiperfDefault)) {
      f.emit(flag, node(s, key), s.child(key), value);
    }
  }

  static Node node(Fields.Sec s, String key) {
    return Objects.requireNonNull(s.map().get(key), key);
  }

  /** A path as written, against the config file's directory first, then the working one. */
  static Path resolve(Path file, Path cwd, String written) {
    Path p = Path.of(written);
    if (p.isAbsolute()) {
      return p;
    }
    Path dir = file.toAbsolutePath().getParent();
    Path beside = dir == null ? p : dir.resolve(p).normalize();
    return Files.exists(beside) ? beside : cwd.resolve(p).normalize();
  }
}
