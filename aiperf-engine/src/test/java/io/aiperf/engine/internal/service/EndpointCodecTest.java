package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class EndpointCodecTest {
  @Test
  void everyFieldOfEndpointConfig_isCarried() {
    assertThat(Arrays.stream(EndpointConfig.class.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName)
        .collect(Collectors.toSet()))
        .as("a field added to EndpointConfig must be carried to remote workers by EndpointCodec")
        .isEqualTo(EndpointCodec.FIELDS);
  }

  @Test
  void roundTrip_keepsEverything() {
    EndpointConfig e = Endpoints.of("chat", "http://10.0.0.1:8000").models(List.of("a", "b"))
        .modelSelectionStrategy("random").streaming(true).path("/custom")
        .header("X-Team", "bench").apiKey("sk-123456789").extraInput("ignore_eos", true)
        .extraInput("nested", Map.of("k", List.of(1, 2))).useLegacyMaxTokens(true)
        .requestTimeout(Duration.ofSeconds(42)).useServerTokenCount(true);
    EndpointConfig back = EndpointCodec.read(EndpointCodec.write(e));
    assertThat(EndpointCodec.write(back)).isEqualTo(EndpointCodec.write(e));
    assertThat(back.apiKey()).contains("sk-123456789");
    assertThat(back.models()).containsExactly("a", "b");
    assertThat(back.requestTimeout()).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void roundTrip_keepsTheTlsOptions() {
    EndpointConfig e = Endpoints.of("chat", "https://10.0.0.1:8443").model("m")
        .tlsTrust(java.nio.file.Path.of("/etc/ca.pem")).tlsInsecure(true).http2(true);
    EndpointConfig back = EndpointCodec.read(EndpointCodec.write(e));
    assertThat(back.tlsTrust()).contains(java.nio.file.Path.of("/etc/ca.pem"));
    assertThat(back.tlsInsecure()).isTrue();
    assertThat(back.http2()).isTrue();
    EndpointConfig plain = EndpointCodec.read(EndpointCodec.write(
        Endpoints.of("chat", "https://10.0.0.1:8443").model("m")));
    assertThat(plain.tlsTrust()).isEmpty();
    assertThat(plain.tlsInsecure()).isFalse();
    assertThat(plain.http2()).isFalse();
  }
}
