package io.aiperf.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Endpoints;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SecretsTest {
  private static final String KEY = "sk-live-0123456789";

  @Test
  void apiKeyAndHeaderValues_areRedactedWhereverTheyAppear() {
    Secrets s = Secrets.of(Endpoints.openAiChat("http://127.0.0.1:1").apiKey(KEY)
        .header("X-Token", "Bearer tok-abcdef123").header("Accept", "text/event-stream"));
    assertThat(s.redact("401: key " + KEY + " is revoked")).isEqualTo("401: key <redacted> is revoked");
    // The key alone after the scheme is caught too: servers echo the token, not the header.
    assertThat(s.redact("bad token tok-abcdef123")).isEqualTo("bad token <redacted>");
    assertThat(s.redact("text/event-stream")).isEqualTo("text/event-stream");
  }

  @Test
  void extraInputs_areSecretByName_includingNestedOnes() {
    Secrets s = Secrets.of(Endpoints.openAiChat("http://127.0.0.1:1")
        .extraInput("api_key", "abc-123456")
        .extraInput("provider", Map.of("auth", Map.of("id", "nested-secret-1")))
        .extraInput("clientSecret", List.of("listed-secret-2"))
        .extraInput("max_tokens", 512)
        .extraInput("model_tag", "not-a-secret-value"));
    String body = "{\"api_key\":\"abc-123456\",\"provider\":{\"auth\":{\"id\":\"nested-secret-1\"}},"
        + "\"clientSecret\":[\"listed-secret-2\"],\"max_tokens\":512,\"model_tag\":\"not-a-secret-value\"}";
    assertThat(s.redact(body)).isEqualTo("{\"api_key\":\"<redacted>\",\"provider\":{\"auth\":"
        + "{\"id\":\"<redacted>\"}},\"clientSecret\":[\"<redacted>\"],\"max_tokens\":512,"
        + "\"model_tag\":\"not-a-secret-value\"}");
  }

  @Test
  void jsonEscapedSecrets_areFound() {
    String key = "k\"ey\\with-quotes";
    Secrets s = Secrets.of(Endpoints.openAiChat("http://127.0.0.1:1").apiKey(key));
    assertThat(s.redact("{\"echo\":\"k\\\"ey\\\\with-quotes\"}")).isEqualTo("{\"echo\":\"<redacted>\"}");
  }

  @Test
  void namesThatAreNotCredentials_areNotSecret() {
    assertThat(Secrets.secretName("max_tokens")).isFalse();
    assertThat(Secrets.secretName("ignore_eos")).isFalse();
    assertThat(Secrets.secretName("top_k")).isFalse();
    assertThat(Secrets.secretName("x-api-key")).isTrue();
    assertThat(Secrets.secretName("accessToken")).isTrue();
    assertThat(Secrets.secretName("PASSWORD")).isTrue();
  }

  @Test
  void shortValues_areNotTreatedAsSecrets_soOrdinaryTextSurvives() {
    Secrets s = Secrets.of(Endpoints.openAiChat("http://127.0.0.1:1").extraInput("token", "abc"));
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.redact("abc")).isEqualTo("abc");
  }
}
