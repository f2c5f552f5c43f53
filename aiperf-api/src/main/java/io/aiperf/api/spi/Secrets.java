package io.aiperf.api.spi;

import io.aiperf.api.EndpointConfig;
import org.jspecify.annotations.Nullable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The secret values of a run and their removal from anything the run writes. A secret reaches
 * request bodies (an extra input such as {@code api_key}), server replies that echo the request,
 * and error messages built from those replies; redacting by value catches it wherever it went,
 * which redacting by field name alone cannot. The engine redacts every record and export with it;
 * an {@link ExporterProvider} or other plugin that writes what a run saw should do the same.
 *
 * <pre>{@code
 * Secrets secrets = Secrets.of(config.endpoint());
 * writer.write(secrets.redact(errorMessage));   // "401: key <redacted> is revoked"
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Secrets {
  /** What a secret is replaced with, in every file and message a run writes. */
  public static final String REDACTED = "<redacted>";

  /** Shorter values would redact ordinary words and numbers; real keys are far longer. */
  private static final int MIN_SECRET_LENGTH = 6;

  /** Name parts that mark a body field or header as a credential. */
  private static final Set<String> SECRET_NAME_PARTS = Set.of("key", "apikey", "secret",
      "password", "passwd", "token", "auth", "authorization", "credential", "credentials",
      "signature", "bearer", "cookie");

  private static final Pattern NAME_SPLIT = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

  /** The headers whose values are never secret. */
  private static final Set<String> PLAIN_HEADERS = Set.of("accept", "content-type", "user-agent",
      "anthropic-version");

  private static final Secrets NONE = new Secrets(List.of());

  private final List<String> values;

  private Secrets(List<String> values) {
    this.values = values;
  }

  /**
   * A run without secrets.
   *
   * @return an instance that redacts nothing
   */
  public static Secrets none() {
    return NONE;
  }

  /**
   * The secrets of an endpoint: the API key, the value of every header but the plain content
   * ones (users pass keys under any header name), and string values of extra inputs whose name
   * marks a credential. Values shorter than six characters are not treated as secrets: they
   * would redact ordinary words and numbers.
   *
   * @param endpoint the endpoint of the run
   * @return its secrets
   */
  public static Secrets of(EndpointConfig endpoint) {
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
    // Longest first, so a secret that contains another is replaced whole.
    kept.sort(Comparator.comparingInt(String::length).reversed());
    return kept.isEmpty() ? NONE : new Secrets(List.copyOf(kept));
  }

  /**
   * Whether a field or header of this name holds a credential ({@code api_key}, {@code
   * accessToken}, {@code client-secret}, ...): one of its words is a credential word.
   *
   * @param name a field or header name
   * @return true for a credential's name
   */
  public static boolean secretName(String name) {
    for (String part : NAME_SPLIT.split(name)) {
      if (SECRET_NAME_PARTS.contains(part.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static void collect(@Nullable String name, @Nullable Object value, boolean underSecret,
      Set<String> out) {
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

  /**
   * Whether the run has any secret.
   *
   * @return true when {@link #redact} never changes anything
   */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * The text with every secret replaced by {@value #REDACTED}, also where it appears JSON-escaped.
   *
   * @param text any text, or null
   * @return the redacted text, the same instance when nothing was found
   */
  public @Nullable String redact(@Nullable String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
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
