package io.aiperf.cli.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the profiling phase into the load-generator flags and the warmup phase into the warmup
 * flags, with AIPerf 0.13's checks on a phase (a stop condition, a rate for rate phases, a grace
 * period only with a duration, ...).
 */
final class PhaseReader {
  private static final List<String> TYPES = List.of("concurrency", "poisson", "gamma",
      "constant", "user_centric", "fixed_schedule");
  private static final List<String> RATE_TYPES = List.of("poisson", "gamma", "constant");

  private final Fields f;

  PhaseReader(Fields f) {
    this.f = f;
  }

  /** Reads the profiling phase; returns its type, or null when it has none. */
  @Nullable String profiling(Fields.Sec p) {
    String type = type(p);
    if (type == null) {
      return null;
    }
    Long requests = integer(p, "requests", 1, "--request-count");
    Double duration = seconds(p, "duration", "--benchmark-duration", true, false);
    Long sessions = integer(p, "sessions", 1, "--num-sessions");
    stopCondition(p, type, requests, duration, sessions);
    Long concurrency = integer(p, "concurrency", 1, "--concurrency");
    ramp(p, "concurrency_ramp", "--concurrency-ramp-duration");
    Long prefill = integer(p, "prefill_concurrency", 1, "--prefill-concurrency");
    prefillCheck(p, concurrency, prefill);
    ramp(p, "prefill_ramp", "--prefill-concurrency-ramp-duration");
    Double grace = seconds(p, "grace_period", "--benchmark-grace-period", false, true);
    graceCheck(p, grace, duration);
    Fields.Sec c = f.section(p, "cancellation");
    if (c != null) {
      Double rate = f.number(c, "rate", 0, true);
      if (rate != null) {
        f.emit("--request-cancellation-rate", BodyReader.node(c, "rate"), c.child("rate"),
            Fields.plain(rate));
      } else if (!c.map().has("rate")) {
        f.problem(c.map(), c.child("rate"), "is missing: the percentage of requests to cancel");
      }
      Double delay = f.seconds(c, "delay", false, false);
      if (delay != null) {
        f.emit("--request-cancellation-delay", BodyReader.node(c, "delay"), c.child("delay"),
            Fields.plain(delay));
      }
    }
    Double threshold = f.number(p, "failed_request_threshold", 0, true);
    if (threshold != null) {
      f.emit("--failed-request-threshold", BodyReader.node(p, "failed_request_threshold"),
          p.child("failed_request_threshold"), Fields.plain(threshold));
    }
    if (RATE_TYPES.contains(type) || type.equals("user_centric")) {
      Double rate = f.number(p, "rate", 0, false);
      if (rate == null && !p.map().has("rate")) {
        f.problem(p.map(), p.child("rate"), "is missing: a " + type + " phase needs rate:"
            + " (requests per second)");
      }
      if (type.equals("user_centric")) {
        Long users = f.integer(p, "users", 1);
        if (users == null && !p.map().has("users")) {
          f.problem(p.map(), p.child("users"), "is missing: a user_centric phase needs users:");
        }
        if (rate != null) {
          f.emit("--user-centric-rate", BodyReader.node(p, "rate"), p.child("rate"),
              Fields.plain(rate));
        }
        if (users != null) {
          f.emit("--num-users", BodyReader.node(p, "users"), p.child("users"),
              users.toString());
          if (sessions != null && sessions < users || requests != null && requests < users) {
            f.problem(p.map(), p.path(), "has fewer " + (sessions != null && sessions < users
                ? "sessions" : "requests") + " than users (" + users + "); each user needs"
                + " at least one");
          }
        }
      } else {
        if (rate != null) {
          f.emit("--request-rate", BodyReader.node(p, "rate"), p.child("rate"),
              Fields.plain(rate));
        }
        f.emit("--arrival-pattern", BodyReader.node(p, "type"), p.child("type"), type);
        if (type.equals("gamma")) {
          Double k = f.number(p, "smoothness", 0, false);
          if (k != null) {
            f.emit("--arrival-smoothness", BodyReader.node(p, "smoothness"),
                p.child("smoothness"), Fields.plain(k));
          }
        }
      }
      ramp(p, "rate_ramp", "--request-rate-ramp-duration");
    }
    if (type.equals("fixed_schedule")) {
      f.emit("--fixed-schedule", BodyReader.node(p, "type"), p.child("type"));
      Boolean auto = f.bool(p, "auto_offset");
      Long start = f.integer(p, "start_offset", 0);
      Long end = f.integer(p, "end_offset", 0);
      // AIPerf's YAML default is auto_offset: true, its command line's false.
      boolean autoOffset = auto == null ? start == null : auto;
      if (autoOffset && start != null) {
        f.problem(p.map().get("start_offset"), p.child("start_offset"), "cannot be combined"
            + " with auto_offset: true (the default of a fixed_schedule phase); set"
            + " auto_offset: false");
      }
      if (start != null && end != null && start > end) {
        f.problem(p.map().get("start_offset"), p.child("start_offset"), "must be <= end_offset"
            + " (" + end + ")");
      }
      if (autoOffset) {
        f.emit("--fixed-schedule-auto-offset", p.map().has("auto_offset")
            ? BodyReader.node(p, "auto_offset") : p.map(), p.child("auto_offset"));
      }
      if (start != null) {
        f.emit("--fixed-schedule-start-offset", BodyReader.node(p, "start_offset"),
            p.child("start_offset"), start.toString());
      }
      if (end != null) {
        f.emit("--fixed-schedule-end-offset", BodyReader.node(p, "end_offset"),
            p.child("end_offset"), end.toString());
      }
    }
    return type;
  }

  /** Reads the warmup phase; rate warmups use the profiling phase's arrival pattern. */
  void warmup(Fields.Sec p, @Nullable String profilingType) {
    String type = type(p);
    if (type == null) {
      return;
    }
    if (type.equals("user_centric") || type.equals("fixed_schedule")) {
      f.problem(p.map().get("type"), p.child("type"), "is '" + type + "' but aiperf-java warms"
          + " up with a concurrency or request-rate phase; use type: concurrency (or poisson,"
          + " gamma, constant)");
      return;
    }
    Long requests = integer(p, "requests", 1, "--warmup-request-count");
    Double duration = seconds(p, "duration", "--warmup-duration", true, false);
    Long sessions = integer(p, "sessions", 1, "--num-warmup-sessions");
    stopCondition(p, type, requests, duration, sessions);
    Long concurrency = f.integer(p, "concurrency", 1);
    if (concurrency != null || type.equals("concurrency")) {
      // A concurrency warmup without concurrency: runs one at a time in AIPerf; aiperf-java's
      // own default would be the profiling concurrency.
      f.emit("--warmup-concurrency", p.map().has("concurrency")
          ? BodyReader.node(p, "concurrency") : p.map(), p.child("concurrency"),
          String.valueOf(concurrency == null ? 1 : concurrency));
    }
    ramp(p, "concurrency_ramp", "--warmup-concurrency-ramp-duration");
    Long prefill = integer(p, "prefill_concurrency", 1, "--warmup-prefill-concurrency");
    prefillCheck(p, concurrency, prefill);
    ramp(p, "prefill_ramp", "--warmup-prefill-concurrency-ramp-duration");
    Double grace = seconds(p, "grace_period", "--warmup-grace-period", false, true);
    graceCheck(p, grace, duration);
    if (RATE_TYPES.contains(type)) {
      Double rate = f.number(p, "rate", 0, false);
      if (rate != null) {
        f.emit("--warmup-request-rate", BodyReader.node(p, "rate"), p.child("rate"),
            Fields.plain(rate));
      } else if (!p.map().has("rate")) {
        f.problem(p.map(), p.child("rate"), "is missing: a " + type + " phase needs rate:");
      }
      if (!type.equals(profilingType)) {
        f.emit("--warmup-arrival-pattern", BodyReader.node(p, "type"), p.child("type"), type);
      }
      ramp(p, "rate_ramp", "--warmup-request-rate-ramp-duration");
    }
  }

  private @Nullable String type(Fields.Sec p) {
    String type = f.string(p, "type");
    if (type == null) {
      if (!p.map().has("type")) {
        f.problem(p.map(), p.child("type"), "is missing: a phase needs type: "
            + Fields.or(TYPES));
      }
      return null;
    }
    if (!TYPES.contains(type)) {
      f.problem(p.map().get("type"), p.child("type"), "was '" + type + "' but it must be "
          + Fields.or(TYPES));
      return null;
    }
    return type;
  }

  private void stopCondition(Fields.Sec p, String type, @Nullable Long requests,
      @Nullable Double duration, @Nullable Long sessions) {
    if (!type.equals("fixed_schedule") && requests == null && duration == null
        && sessions == null && !p.map().has("requests") && !p.map().has("duration")
        && !p.map().has("sessions")) {
      f.problem(p.map(), p.path(), "needs a stop condition: requests:, duration: or sessions:");
    }
  }

  private void prefillCheck(Fields.Sec p, @Nullable Long concurrency, @Nullable Long prefill) {
    if (prefill != null && concurrency != null && prefill > concurrency) {
      f.problem(p.map().get("prefill_concurrency"), p.child("prefill_concurrency"), "was "
          + prefill + " but it must be <= concurrency (" + concurrency + ")");
    }
  }

  private void graceCheck(Fields.Sec p, @Nullable Double grace, @Nullable Double duration) {
    if (grace != null && duration == null) {
      f.problem(p.map().get("grace_period"), p.child("grace_period"), "needs duration: (the"
          + " grace follows the end of the phase's duration)");
    }
  }

  private @Nullable Long integer(Fields.Sec p, String key, long min, String flag) {
    Long v = f.integer(p, key, min);
    if (v != null) {
      f.emit(flag, BodyReader.node(p, key), p.child(key), v.toString());
    }
    return v;
  }

  private @Nullable Double seconds(Fields.Sec p, String key, String flag, boolean positive,
      boolean infinite) {
    Double v = f.seconds(p, key, positive, infinite);
    if (v != null) {
      // "inf": a grace long enough for any request to end (the request timeout bounds it).
      f.emit(flag, BodyReader.node(p, key), p.child(key),
          v.isInfinite() ? "31536000" : Fields.plain(v));
    }
    return v;
  }

  /** A ramp: seconds, a duration string, or {duration, strategy: linear}. */
  private void ramp(Fields.Sec p, String key, String flag) {
    Node n = p.map().get(key);
    if (n == null) {
      return;
    }
    Double seconds;
    if (n instanceof Node.MapNode m) {
      Fields.Sec r = new Fields.Sec(m, p.child(key));
      f.consumed.add(p.child(key));
      seconds = f.seconds(r, "duration", true, false);
      String strategy = f.choice(r, "strategy", List.of("linear", "exponential", "poisson"));
      if (strategy != null && !strategy.equals("linear")) {
        f.problem(m.get("strategy"), r.child("strategy"), "was '" + strategy + "' but"
            + " aiperf-java ramps linearly; use strategy: linear");
      }
      for (String k : m.entries().keySet()) {
        if (!k.equals("duration") && !k.equals("strategy")) {
          f.problem(m.get(k), r.child(k), "is not a key of a ramp; it takes duration and"
              + " strategy");
        }
      }
    } else {
      seconds = f.seconds(p, key, true, false);
    }
    if (seconds != null) {
      f.emit(flag, n, p.child(key), Fields.plain(seconds));
    }
  }
}
