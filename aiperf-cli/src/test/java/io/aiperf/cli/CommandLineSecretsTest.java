package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.Secrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The recorded command line loses every secret the engine redacts from the rest of a run (the
 * same {@code Secrets} rules), and the flags that carry a key lose their value.
 */
final class CommandLineSecretsTest {
  private static final String KEY = "sk-test-0123456789";

  private static EndpointConfig endpoint() {
    return Endpoints.of("chat", "http://127.0.0.1:1").apiKey(KEY)
        .header("Accept", "application/json-long")
        .header("X-Custom", "Bearer abcdef-ghijkl")
        .header("x", "short")
        .extraInput("accessToken", "tok-value-1")
        .extraInput("nested", Map.of("client_secret", "nested-secret", "plain", "plain-value"))
        .extraInput("credentials", List.of("listed-secret", Map.of("x", "deep-secret")))
        .extraInput("temperature", 0.5)
        .extraInput("note", "ordinary-text")
        .extraInput("quoted_password", "pa\"ss/word\\1");
  }

  @Test
  void secrets_areRedactedAsInEveryExport() {
    Secrets engine = Secrets.of(endpoint());
    List<String> texts = List.of(KEY, "abcdef-ghijkl", "Bearer abcdef-ghijkl", "tok-value-1",
        "nested-secret", "plain-value", "listed-secret", "deep-secret", "ordinary-text", "short",
        "application/json-long", "{\"quoted_password\":\"pa\\\"ss/word\\\\1\"}",
        "x " + KEY + " y tok-value-1");
    for (String text : texts) {
      assertThat(CommandLineSecrets.redact(List.of(text), endpoint()))
          .as(text).containsExactly(engine.redact(text));
    }
  }

  @Test
  void redact_flagsThatCarrySecrets() {
    List<String> args = List.of("profile", "--api-key", KEY, "--api-key=" + KEY, "-H",
        "X-Custom:Bearer abcdef-ghijkl", "--header", "Accept:text/plain", "--extra-inputs",
        "{\"nested\":{\"client_secret\":\"nested-secret\"}}", "--extra-inputs",
        "note:ordinary-text");
    assertThat(CommandLineSecrets.redact(args, endpoint())).containsExactly("profile",
        "--api-key", "<redacted>", "--api-key=<redacted>", "-H", "X-Custom:<redacted>",
        "--header", "Accept:<redacted>", "--extra-inputs",
        "{\"nested\":{\"client_secret\":\"<redacted>\"}}", "--extra-inputs",
        "note:ordinary-text");
  }

  @Test
  void redact_withoutSecrets_keepsTheArguments() {
    List<String> args = List.of("profile", "-m", "model", "--extra-inputs", "api_key:short");
    assertThat(CommandLineSecrets.redact(args, Endpoints.of("chat", "http://127.0.0.1:1")))
        .isEqualTo(args);
  }
}
