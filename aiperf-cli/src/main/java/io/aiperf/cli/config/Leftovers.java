package io.aiperf.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reports the keys of a configuration no reader took: a key AIPerf 0.13 does not have is a typo
 * (with the closest key AIPerf has under the same parent); a key AIPerf has but aiperf-java does
 * not support is named as such, unless its value changes nothing (AIPerf's default, null, false,
 * empty, or a section with {@code enabled: false}), since a silently ignored setting would make
 * the run something other than what the file says.
 */
final class Leftovers {
  /** Settings of one phase type that other types do not take. */
  private static final Map<String, Set<String>> PHASE_KEYS = Map.of(
      "rate", Set.of("poisson", "gamma", "constant", "user_centric"),
      "rate_ramp", Set.of("poisson", "gamma", "constant", "user_centric"),
      "rate_series", Set.of("poisson", "gamma", "constant"),
      "smoothness", Set.of("gamma"),
      "users", Set.of("user_centric"),
      "auto_offset", Set.of("fixed_schedule"),
      "start_offset", Set.of("fixed_schedule"),
      "end_offset", Set.of("fixed_schedule"));

  private Leftovers() {}

  static void check(Node.MapNode root, Fields f) {
    walk(root, "", "", f, null);
  }

  private static void walk(Node.MapNode map, String shown, String schema, Fields f,
      @Nullable String phaseType) {
    for (Map.Entry<String, Node.MapNode.Entry> e : map.entries().entrySet()) {
      String key = e.getKey();
      String path = shown.isEmpty() ? key : shown + "." + key;
      String schemaPath = schema.isEmpty() ? key : schema + "." + key;
      if (f.consumed.contains(path)) {
        continue;
      }
      Node value = e.getValue().value();
      Node.Mark at = e.getValue().key().mark();
      if (!AiperfSchema.known(schemaPath)) {
        List<String> siblings = new ArrayList<>(AiperfSchema.children(schema));
        String close = AiperfSchema.closest(key, siblings);
        f.problems.add(new ConfigProblem(f.file, at, path, "is not an AIPerf 0.13 setting"
            + (close != null ? "; did you mean '" + close + "'?"
                : siblings.isEmpty() ? "" : " (here AIPerf takes: " + String.join(", ",
                    siblings.stream().sorted().toList()) + ")")));
        continue;
      }
      if (phaseType != null && PHASE_KEYS.containsKey(key)
          && !PHASE_KEYS.get(key).contains(phaseType)) {
        f.problems.add(new ConfigProblem(f.file, at, path, "does not apply to a " + phaseType
            + " phase (it is a setting of " + Fields.or(PHASE_KEYS.get(key).stream().sorted()
                .toList()) + " phases)"));
        continue;
      }
      boolean hasKeys = !AiperfSchema.children(schemaPath).isEmpty()
          || !AiperfSchema.children(schemaPath + "[]").isEmpty();
      if (value instanceof Node.MapNode m && (hasReadChild(path, f)
          || hasKeys && !harmless(value, schemaPath))) {
        walk(m, path, schemaPath, f, null);
        continue;
      }
      if (value instanceof Node.ListNode l && (hasReadChild(path, f)
          || hasKeys && !harmless(value, schemaPath))) {
        for (int i = 0; i < l.items().size(); i++) {
          if (l.items().get(i) instanceof Node.MapNode m) {
            String type = m.get("type") instanceof Node.Scalar t && t.value() instanceof String s
                ? s : null;
            walk(m, path + "[" + i + "]", schemaPath + "[]", f,
                schemaPath.equals("benchmark.phases") ? type : null);
          }
        }
        continue;
      }
      if (!harmless(value, schemaPath)) {
        JsonNode d = AiperfSchema.defaultOf(schemaPath);
        f.problems.add(new ConfigProblem(f.file, at, path, "is an AIPerf 0.13 setting that"
            + " aiperf-java does not support; remove it"
            + (d != null && !d.isNull() ? " or set it to AIPerf's default (" + d + ")" : "")));
      }
    }
  }

  private static boolean hasReadChild(String path, Fields f) {
    String prefix = path + ".";
    String item = path + "[";
    for (String c : f.consumed) {
      if (c.startsWith(prefix) || c.startsWith(item)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a value of an unsupported setting changes nothing. */
  static boolean harmless(Node value, String schemaPath) {
    if (value instanceof Node.Scalar s) {
      Object v = s.value();
      if (v == null || Boolean.FALSE.equals(v)) {
        return true;
      }
      JsonNode d = AiperfSchema.defaultOf(schemaPath);
      if (d == null) {
        return false;
      }
      if (d.isNumber() && v instanceof Number n) {
        return d.asDouble() == n.doubleValue();
      }
      return d.isTextual() && d.asText().equals(v) || d.isBoolean() && v.equals(d.asBoolean());
    }
    if (value instanceof Node.ListNode l) {
      return l.items().isEmpty();
    }
    Node.MapNode m = (Node.MapNode) value;
    if (m.get("enabled") instanceof Node.Scalar en && Boolean.FALSE.equals(en.value())) {
      return true;
    }
    for (Map.Entry<String, Node.MapNode.Entry> e : m.entries().entrySet()) {
      if (!harmless(e.getValue().value(), schemaPath + "." + e.getKey())) {
        return false;
      }
    }
    return true;
  }
}
