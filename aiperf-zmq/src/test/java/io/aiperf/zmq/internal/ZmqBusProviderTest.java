package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.zmq.CurveKeys;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider configures each bus from its own {@link BusConfig}, not from JVM-wide state. */
final class ZmqBusProviderTest {
  record Ping(String text) implements BusMessage {}

  private final ZmqBusProvider provider = new ZmqBusProvider();

  private ZmqMessageBus create(Map<String, String> settings) {
    return (ZmqMessageBus) provider.create(new BusConfig(1024, settings));
  }

  @Test
  void twoHubsInOneJvm_eachUseOnlyTheirOwnSettings() throws Exception {
    int portA = freePort();
    int portB = freePort();
    CurveKeys keysB = CurveKeys.generate();
    Map<String, String> settingsB = new HashMap<>();
    settingsB.putAll(ZmqBusOptions.builder().curveKeys(keysB).build().toSettings());
    settingsB.put("port", Integer.toString(portB));
    try (ZmqMessageBus hubA = create(Map.of("host", "127.0.0.1", "port",
            Integer.toString(portA)));
        ZmqMessageBus hubB = create(settingsB)) {
      assertThat(hubA.address()).isEqualTo("tcp://127.0.0.1:" + portA);
      assertThat(hubB.address()).isEqualTo("tcp://127.0.0.1:" + portB);
      hubA.respond("ping", q -> new Ping("A"));
      hubB.respond("ping", q -> new Ping("B"));
      // A joins in clear: B's CURVE keys did not leak into it.
      try (ZmqMessageBus clientA = create(Map.of("connect", hubA.address()));
          ZmqMessageBus clientB = create(Map.of("connect", hubB.address(),
              "curveServerKey", keysB.publicKey()))) {
        assertThat(clientA.isHub()).isFalse();
        assertThat(clientA.request("ping", new Ping(""), Duration.ofSeconds(10)).get())
            .isEqualTo(new Ping("A"));
        assertThat(clientB.request("ping", new Ping(""), Duration.ofSeconds(10)).get())
            .isEqualTo(new Ping("B"));
      }
      // B is encrypted: a client without its key gets no answer.
      assertThatThrownBy(() -> create(Map.of("connect", hubB.address(),
          "connectTimeoutMillis", "1500")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("No answer from the ZMQ hub");
    }
  }

  @Test
  void unknownSettingKey_failsListingTheValidOnes() {
    assertThatThrownBy(() -> create(Map.of("prot", "5555")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zmq bus setting was 'prot' but it must be one of [closeTimeoutMillis, connect,"
            + " connectTimeoutMillis, curveAuthorizedClientKeys, curveAuthorizedKeys, curveKeyFile,"
            + " curvePublicKey, curveSecretKey, curveServerKey, curveServerKeyFile, host, port]");
  }

  @Test
  void badPortSetting_namesTheSetting() {
    assertThatThrownBy(() -> create(Map.of("port", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zmq bus setting 'port' must be a port number but was 'x'");
  }

  @Test
  void halfAKeyPair_isRejected() {
    assertThatThrownBy(() -> ZmqBusOptions.fromSettings(
        Map.of("curvePublicKey", CurveKeys.generate().publicKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zmq bus setting 'curvePublicKey' was given but it needs 'curveSecretKey' too"
            + " (a CURVE key pair)");
  }

  @Test
  void systemProperty_isTheFallbackWhenASettingIsAbsent() throws Exception {
    int portProperty = freePort();
    int portSetting = freePort();
    System.setProperty(ZmqBusOptions.PORT_PROPERTY, Integer.toString(portProperty));
    try (ZmqMessageBus fromProperty = create(Map.of());
        ZmqMessageBus fromSetting = create(Map.of("port", Integer.toString(portSetting)))) {
      assertThat(fromProperty.address()).endsWith(":" + portProperty);
      assertThat(fromSetting.address()).endsWith(":" + portSetting);
    } finally {
      System.clearProperty(ZmqBusOptions.PORT_PROPERTY);
    }
  }

  @Test
  void toSettings_roundTripsThroughFromSettings() {
    CurveKeys own = CurveKeys.generate();
    CurveKeys server = CurveKeys.generate();
    CurveKeys client = CurveKeys.generate();
    ZmqBusOptions options = ZmqBusOptions.builder().host("0.0.0.0").port(5555)
        .curveKeys(own).curveServerKey(server).authorizedClientKeys(List.of(client))
        .connectTimeout(Duration.ofMillis(1234)).closeTimeout(Duration.ofSeconds(3)).build();
    ZmqBusOptions back = ZmqBusOptions.fromSettings(options.toSettings());
    assertThat(back.host()).isEqualTo("0.0.0.0");
    assertThat(back.port()).isEqualTo(5555);
    assertThat(back.curveKeys()).isEqualTo(own);
    assertThat(back.curveKeys().secretKey()).isEqualTo(own.secretKey());
    assertThat(back.curveServerKey()).isEqualTo(server.publicOnly());
    assertThat(back.authorizedClientKeys()).containsExactly(client.publicKey());
    assertThat(back.connectTimeout()).isEqualTo(Duration.ofMillis(1234));
    assertThat(back.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(ZmqBusOptions.settingKeys()).containsAll(options.toSettings().keySet());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
