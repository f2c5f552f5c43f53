package io.aiperf.cli;

import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Removes the secrets from the command line a run records in its exports.
 *
 * <p>The secrets are those the flags carry: the {@code --api-key}, the value of every header but
 * the plain content ones (users pass keys under any header name), and string values of extra
 * inputs whose name marks a credential: {@link Secrets}, the rules the engine applies to
 * everything else a run writes. A secret is replaced wherever it appears, also JSON-escaped, since
 * {@code --extra-inputs} may carry it inside a JSON object; the flags that carry a key lose their
 * value even when it is too short to be redacted by value.
 */
final class CommandLineSecrets {
  /** What a secret is replaced with, as in every export. */
  static final String REDACTED = Secrets.REDACTED;

  private CommandLineSecrets() {}

  /**
   * The command line with the API key, header values and every secret value replaced.
   *
   * @param args the original arguments
   * @param endpoint the endpoint the arguments describe: where the secrets are known by value
   */
  static List<String> redact(List<String> args, EndpointConfig endpoint) {
    Secrets secrets = Secrets.of(endpoint);
    List<String> out = new ArrayList<>(args);
    for (int i = 0; i < out.size(); i++) {
      // Secret extra inputs are known by value; a key in any other argument goes too.
      out.set(i, Objects.requireNonNull(secrets.redact(out.get(i)), "a redacted argument"));
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
}
