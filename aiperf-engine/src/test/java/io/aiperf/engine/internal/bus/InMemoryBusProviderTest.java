package io.aiperf.engine.internal.bus;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.BusConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class InMemoryBusProviderTest {
  @Test
  void create_rejectsAnySetting_namingItsKey() {
    assertThatThrownBy(() -> new InMemoryBusProvider().create(
        new BusConfig(16, Map.of("port", "5555"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("message bus 'inmemory' setting was 'port' but the in-memory bus takes no"
            + " settings");
  }
}
