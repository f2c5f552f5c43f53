package io.aiperf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.BusConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class MessageBusSettingsTest {
  private static Benchmark.Builder builder() {
    return Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("m"));
  }

  @Test
  void settings_areKeptWithTheBusName_andSurviveToBuilder() {
    BenchmarkConfig c = builder().messageBus("zmq", Map.of("port", "5555")).build();
    assertThat(c.messageBus()).contains("zmq");
    assertThat(c.messageBusSettings()).containsExactly(Map.entry("port", "5555"));
    assertThat(c.toBuilder().build().messageBusSettings()).isEqualTo(Map.of("port", "5555"));
  }

  @Test
  void messageBusByNameAlone_clearsEarlierSettings() {
    BenchmarkConfig c = builder().messageBus("zmq", Map.of("port", "5555")).messageBus("zmq")
        .build();
    assertThat(c.messageBusSettings()).isEmpty();
  }

  @Test
  void settings_areCopied() {
    Map<String, String> settings = new HashMap<>(Map.of("port", "1"));
    Benchmark.Builder b = builder().messageBus("zmq", settings);
    settings.put("host", "0.0.0.0");
    assertThat(b.build().messageBusSettings()).containsOnlyKeys("port");
  }

  @Test
  void inMemoryBusWithSettings_failsAtBuild() {
    assertThatThrownBy(() -> builder().messageBus("inmemory", Map.of("port", "1", "host", "h"))
        .build())
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly("messageBus settings were '[host, port]'"
                + " but the in-memory bus takes no settings"));
  }

  @Test
  void blankSettingKey_failsAtBuild() {
    assertThatThrownBy(() -> builder().messageBus("zmq", Map.of(" ", "1")).build())
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly(
                "messageBus setting key was ' ' but it must not be blank"));
  }

  @Test
  void busConfig_copiesSortsAndHidesValuesInToString() {
    Map<String, String> settings = new HashMap<>(Map.of("b", "secret", "a", "1"));
    BusConfig config = new BusConfig(8, settings);
    settings.clear();
    assertThat(config.settings().keySet()).containsExactly("a", "b");
    assertThat(config.setting("b")).contains("secret");
    assertThat(config.setting("c")).isEmpty();
    assertThat(config.toString()).isEqualTo("BusConfig[channelCapacity=8, settings=[a, b]]");
    assertThatThrownBy(() -> config.settings().put("c", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(BusConfig.of(4).settings()).isEmpty();
  }

  @Test
  void busConfig_rejectsACapacityBelowOne() {
    assertThatThrownBy(() -> BusConfig.of(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("channelCapacity was '0' but it must be at least 1");
  }
}
