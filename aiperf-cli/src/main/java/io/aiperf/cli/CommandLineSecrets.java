package io.aiperf.cli;

import io.aiperf.api.EndpointConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Removes the secrets from the command line a run records in its exports.
 *
 * <p>The secrets are those the flags carry: the {@code --api-key}, the value of every header but
 * the plain content ones (users pass keys under any header name), and string values of extra
 * inputs whose name marks a credential. These are the engine's rules for the values it redacts
 * from everything else a run writes; they are repeated here because the CLI uses only the public
 * API, and CommandLineSecretsTest checks that the two agree. A secret is replaced wherever it
 * appears, also JSON-escaped, since {@code --extra-inputs} may carry it inside a JSON object.
 */
final class CommandLineSecrets {
  /** What a secret is replaced with, as in every export. */
  static final String REDACTED = "<redacted>";

  /** Shorter values would redact ordinary words and numbers; real keys are far longer. */
  private static final int MIN_SECRET_LENGTH = 6;

  /** Name parts that mark a body field as a credential. */
  private static final Set<String> SECRET_NAME_PARTS = Set.of("key", "apikey", "secret",
      "password", "passwd", "token", "auth", "authorization", "credential", "credentials",
      "signature", "bearer", "cookie");

  private static final Pattern NAME_SPLIT = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

  /** The headers whose values are never secret. */
  private static final Set<String> PLAIN_HEADERS = Set.of("accept", "content-type", "user-agent",
      "anthropic-version");

  private CommandLineSecrets() {}

  /**
   * The command line with the API key, header values and every secret value replaced.
   *
   * @param args the original arguments
   * @param endpoint the endpoint the arguments describe: where the secrets are known by value
   */
  static List<String> redact(List<String> args, EndpointConfig endpoint) {
    List<String> secrets = secrets(endpoint);
    List<String> out = new ArrayList<>(args);
    for (int i = 0; i < out.size(); i++) {
      // Secret extra inputs are known by value; a key in any other argument goes too.
      out.set(i, redact(out.get(i), secrets));
      String a = out.get(i);
      if (a.equals("--api-key") && i + 1 < out.size()) {
        out.set(i + 1, REDACTED);
      } else if (a.startsWith("--api-key=")) {
        out.set(i, "--api-key=" + REDACTED);
      } else if ((a.equals("-H") || a.equals("--header")) && i + 1 < out.size()) {
        out.set(i + 1, redactHeader(out.get(i + 1)));
      }
    }
    return out;
  }

  /** A 'Name:Value' header with its value replaced. */
  static String redactHeader(String h) {
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon + 1) + REDACTED;
  }

  /** The secret values, longest first so a secret that contains another is replaced whole. */
  static List<String> secrets(EndpointConfig endpoint) {
    Set<String> found = new LinkedHashSet<>();
    endpoint.apiKey().ifPresent(found::add);
    endpoint.headers().forEach((name, value) -> {
      if (!PLAIN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        found.add(value);
        // "Bearer abc..." carries the key after the scheme; the key alone may be echoed back.
        int space = value.indexOf(' ');
        if (space > 0) {
          found.add(value.substring(space + 1).trim());
        }
      }
    });
    endpoint.extraInputs().forEach((name, value) -> collect(name, value, false, found));
    List<String> kept = new ArrayList<>();
    for (String v : found) {
      if (v != null && v.length() >= MIN_SECRET_LENGTH) {
        kept.add(v);
      }
    }
    kept.sort(Comparator.comparingInt(String::length).reversed());
    return kept;
  }

  private static boolean secretName(String name) {
    for (String part : NAME_SPLIT.split(name)) {
      if (SECRET_NAME_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static void collect(String name, Object value, boolean underSecret, Set<String> out) {
    boolean secret = underSecret || (name != null && secretName(name));
    if (value instanceof String s) {
      if (secret) {
        out.add(s);
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collect(String.valueOf(k), v, secret, out));
    } else if (value instanceof Collection<?> list) {
      list.forEach(v -> collect(null, v, secret, out));
    }
  }

  private static String redact(String text, List<String> secrets) {
    String out = text;
    for (String v : secrets) {
      if (out.contains(v)) {
        out = out.replace(v, REDACTED);
      }
      String escaped = jsonEscaped(v);
      if (!escaped.equals(v) && out.contains(escaped)) {
        out = out.replace(escaped, REDACTED);
      }
    }
    return out;
  }

  private static String jsonEscaped(String v) {
    StringBuilder b = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '/' -> b.append('/');
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
