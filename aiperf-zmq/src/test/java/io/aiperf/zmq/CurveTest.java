package io.aiperf.zmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.BusMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CURVE: only a client with the hub's public key, and an authorized key of its own, talks. */
final class CurveTest {
  record Question(String text) implements BusMessage {}

  record Answer(String text) implements BusMessage {}

  private static final Duration SHORT = Duration.ofMillis(1_500);

  @TempDir
  Path dir;

  private CurveKeys hubKeys;
  private CurveKeys workerKeys;
  private ZmqMessageBus hub;

  @BeforeEach
  void startHub() throws Exception {
    hubKeys = CurveKeys.generate();
    workerKeys = CurveKeys.generate();
    // Keys go through files, as a deployment would hand them out.
    hubKeys.saveSecret(dir.resolve("hub.key_secret"));
    hubKeys.savePublic(dir.resolve("hub.key"));
    workerKeys.saveSecret(dir.resolve("worker.key_secret"));
    workerKeys.savePublic(dir.resolve("worker.key"));
    hub = ZmqBus.hub(ZmqBusOptions.builder()
        .curveKeys(CurveKeys.load(dir.resolve("hub.key_secret")))
        .authorizedClientKeys(List.of(CurveKeys.load(dir.resolve("worker.key"))))
        .build());
    hub.respond("commands", q -> new Answer("re: " + ((Question) q).text()));
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  @Test
  void clientWithTheHubKeyAndAnAuthorizedKey_talks() throws Exception {
    try (ZmqMessageBus worker = ZmqBus.connect(hub.address(), ZmqBusOptions.builder()
        .curveServerKey(CurveKeys.load(dir.resolve("hub.key")))
        .curveKeys(CurveKeys.load(dir.resolve("worker.key_secret")))
        .build())) {
      assertThat(worker.request("commands", new Question("hi"), Duration.ofSeconds(10)).get())
          .isEqualTo(new Answer("re: hi"));
    }
  }

  @Test
  void clientWithAWrongHubKey_failsWithinTheTimeout() {
    assertThatThrownBy(() -> ZmqBus.connect(hub.address(), ZmqBusOptions.builder()
        .curveServerKey(CurveKeys.generate()).curveKeys(workerKeys)
        .connectTimeout(SHORT).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No answer from the ZMQ hub at " + hub.address())
        .hasMessageContaining("CURVE");
  }

  @Test
  void clientWithoutCurve_failsWithinTheTimeout() {
    assertThatThrownBy(() -> ZmqBus.connect(hub.address(), ZmqBusOptions.builder()
        .connectTimeout(SHORT).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No answer from the ZMQ hub");
  }

  @Test
  void clientWithAnUnauthorizedKey_failsWithinTheTimeout() {
    assertThatThrownBy(() -> ZmqBus.connect(hub.address(), ZmqBusOptions.builder()
        .curveServerKey(hubKeys.publicOnly()).curveKeys(CurveKeys.generate())
        .connectTimeout(SHORT).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No answer from the ZMQ hub");
  }

  @Test
  void hubWithoutAuthorizedKeys_letsInAnyClientThatKnowsItsKey() throws Exception {
    try (ZmqMessageBus open = ZmqBus.hub(ZmqBusOptions.builder().curveKeys(hubKeys).build());
        ZmqMessageBus worker = ZmqBus.connect(open.address(), ZmqBusOptions.builder()
            .curveServerKey(hubKeys).build())) {
      open.respond("ping", q -> new Answer("pong"));
      assertThat(worker.request("ping", new Question(""), Duration.ofSeconds(10)).get())
          .isEqualTo(new Answer("pong"));
    }
  }

  @Test
  void keys_roundTripThroughFiles_secretFileIsOwnerOnly_andNeverPrinted() throws Exception {
    CurveKeys loaded = CurveKeys.load(dir.resolve("hub.key_secret"));
    assertThat(loaded).isEqualTo(hubKeys);
    assertThat(CurveKeys.load(dir.resolve("hub.key"))).isEqualTo(hubKeys.publicOnly());
    assertThat(CurveKeys.load(dir.resolve("hub.key")).hasSecretKey()).isFalse();
    assertThat(loaded.toString()).contains(hubKeys.publicKey()).doesNotContain(hubKeys.secretKey())
        .contains("<redacted>");
    assertThat(Files.readString(dir.resolve("hub.key"))).doesNotContain(hubKeys.secretKey());
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("hub.key_secret")))).isEqualTo("rw-------");
    }
    assertThat(ZmqBusOptions.builder().curveKeys(hubKeys).build().toString())
        .doesNotContain(hubKeys.secretKey());
  }

  @Test
  void badKeyFile_namesTheFile_notAKey() throws Exception {
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad, "curve\n    secret-key = \"" + hubKeys.secretKey() + "\"\n");
    assertThatThrownBy(() -> CurveKeys.load(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageNotContaining(hubKeys.secretKey());
    assertThatThrownBy(() -> CurveKeys.ofPublicKey("short"))
        .hasMessage("publicKey must be 40 Z85 characters but had 5");
  }
}
