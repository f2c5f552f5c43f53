package io.aiperf.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key paths of AIPerf 0.13's configuration schema and their defaults, as
 * {@code compat/aiperf-0.13/extract_facts.py} read them from the JSON schema AIPerf ships. Paths
 * are snake_case with {@code []} for list items: {@code benchmark.phases[].rate_ramp}. They tell
 * a setting AIPerf has but aiperf-java does not support from a typo, and which values of such a
 * setting change nothing (AIPerf's default).
 */
final class AiperfSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESOURCE = "aiperf-0.13-config-keys.txt";
  private static final Object NO_DEFAULT = new Object();
  private static final Map<String, Object> KEYS = load();

  private AiperfSchema() {}

  private static Map<String, Object> load() {
    Map<String, Object> keys = new LinkedHashMap<>();
    try (InputStream in = Objects.requireNonNull(AiperfSchema.class.getResourceAsStream(RESOURCE),
        RESOURCE);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null;) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        keys.put(tab < 0 ? line : line.substring(0, tab),
            tab < 0 ? NO_DEFAULT : JSON.readTree(line.substring(tab + 1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }

  /** Whether AIPerf 0.13's schema has this key path. */
  static boolean known(String path) {
    return KEYS.containsKey(path);
  }

  /** AIPerf's default for a key, or null when it has none (a required or free-form value). */
  static @Nullable JsonNode defaultOf(String path) {
    Object d = KEYS.get(path);
    return d instanceof JsonNode j ? j : null;
  }

  /** The keys AIPerf accepts directly under a path, for "did you mean" suggestions. */
  static List<String> children(String parent) {
    String prefix = parent.isEmpty() ? "" : parent + ".";
    List<String> out = new ArrayList<>();
    for (String k : KEYS.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        if (!rest.isEmpty() && rest.indexOf('.') < 0 && !rest.endsWith("[]")) {
          out.add(rest);
        }
      }
    }
    return out;
  }

  /** The closest of the candidates to a misspelt key, or null when none is close. */
  static @Nullable String closest(String key, List<String> candidates) {
    return candidates.stream()
        .filter(c -> distance(c, key) <= Math.max(2, key.length() / 3))
        .min(Comparator.comparingInt((String c) -> distance(c, key)))
        .orElse(null);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
