package io.aiperf.zmq;

import static io.aiperf.zmq.ZmqBusOptions.AUTHORIZED_CLIENT_KEYS;
import static io.aiperf.zmq.ZmqBusOptions.AUTHORIZED_KEYS;
import static io.aiperf.zmq.ZmqBusOptions.AUTHORIZED_KEYS_PROPERTY;
import static io.aiperf.zmq.ZmqBusOptions.CLOSE_TIMEOUT_MILLIS;
import static io.aiperf.zmq.ZmqBusOptions.CONNECT_TIMEOUT_MILLIS;
import static io.aiperf.zmq.ZmqBusOptions.HOST;
import static io.aiperf.zmq.ZmqBusOptions.HOST_PROPERTY;
import static io.aiperf.zmq.ZmqBusOptions.KEY_FILE;
import static io.aiperf.zmq.ZmqBusOptions.KEY_FILE_PROPERTY;
import static io.aiperf.zmq.ZmqBusOptions.PORT;
import static io.aiperf.zmq.ZmqBusOptions.PORT_PROPERTY;
import static io.aiperf.zmq.ZmqBusOptions.PUBLIC_KEY;
import static io.aiperf.zmq.ZmqBusOptions.SECRET_KEY;
import static io.aiperf.zmq.ZmqBusOptions.SERVER_KEY;
import static io.aiperf.zmq.ZmqBusOptions.SERVER_KEY_FILE;
import static io.aiperf.zmq.ZmqBusOptions.SERVER_KEY_FILE_PROPERTY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code zmq} bus settings (keys already checked) into a {@link ZmqBusOptions.Builder}.
 * Each group of keys (bind address, own keys, hub key, client keys) that the settings leave out
 * falls back to its system property, so a {@code -D} user and a builder user get the same bus.
 */
final class SettingsReader {
  private SettingsReader() {}

  /** A value and where it came from, so an error names the key or property the user wrote. */
  private record Source(String name, String value) {}

  static ZmqBusOptions read(Map<String, String> settings, ZmqBusOptions.Builder b) {
    Source host = source(settings, HOST, HOST_PROPERTY);
    if (host != null) {
      b.host(host.value());
    }
    Source port = source(settings, PORT, PORT_PROPERTY);
    if (port != null) {
      b.port(parseInt(port, "a port number"));
    }
    try {
      readOwnKeys(settings, b);
      if (settings.containsKey(SERVER_KEY)) {
        b.curveServerKey(CurveKeys.ofPublicKey(settings.get(SERVER_KEY).strip()));
      } else {
        Source file = source(settings, SERVER_KEY_FILE, SERVER_KEY_FILE_PROPERTY);
        if (file != null) {
          b.curveServerKey(CurveKeys.load(Path.of(file.value())));
        }
      }
      if (settings.containsKey(AUTHORIZED_CLIENT_KEYS)) {
        List<CurveKeys> keys = new ArrayList<>();
        for (String k : settings.get(AUTHORIZED_CLIENT_KEYS).split(",")) {
          if (!k.isBlank()) {
            keys.add(CurveKeys.ofPublicKey(k.strip()));
          }
        }
        b.authorizedClientKeys(keys);
      } else {
        Source file = source(settings, AUTHORIZED_KEYS, AUTHORIZED_KEYS_PROPERTY);
        if (file != null) {
          b.authorizedClientKeys(ZmqBusOptions.loadPublicKeys(Path.of(file.value())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read a CURVE key file: " + e.getMessage(), e);
    }
    if (settings.containsKey(CONNECT_TIMEOUT_MILLIS)) {
      b.connectTimeout(Duration.ofMillis(parseInt(
          new Source(CONNECT_TIMEOUT_MILLIS, settings.get(CONNECT_TIMEOUT_MILLIS)), "a number")));
    }
    if (settings.containsKey(CLOSE_TIMEOUT_MILLIS)) {
      b.closeTimeout(Duration.ofMillis(parseInt(
          new Source(CLOSE_TIMEOUT_MILLIS, settings.get(CLOSE_TIMEOUT_MILLIS)), "a number")));
    }
    return b.build();
  }

  private static void readOwnKeys(Map<String, String> settings, ZmqBusOptions.Builder b)
      throws IOException {
    boolean inline = settings.containsKey(PUBLIC_KEY) || settings.containsKey(SECRET_KEY);
    if (inline && settings.containsKey(KEY_FILE)) {
      throw new IllegalArgumentException("zmq bus settings had both '" + KEY_FILE + "' and '"
          + PUBLIC_KEY + "'/'" + SECRET_KEY + "' but this side has one key pair: give one");
    }
    if (inline) {
      String pub = settings.get(PUBLIC_KEY);
      String secret = settings.get(SECRET_KEY);
      if (pub == null || secret == null) {
        throw new IllegalArgumentException("zmq bus setting '" + (pub == null ? SECRET_KEY
            : PUBLIC_KEY) + "' was given but it needs '" + (pub == null ? PUBLIC_KEY : SECRET_KEY)
            + "' too (a CURVE key pair)");
      }
      b.curveKeys(CurveKeys.of(pub.strip(), secret.strip()));
      return;
    }
    Source file = source(settings, KEY_FILE, KEY_FILE_PROPERTY);
    if (file != null) {
      b.curveKeys(CurveKeys.load(Path.of(file.value())));
    }
  }

  /** The setting if given, else the system property, else null. */
  private static @Nullable Source source(Map<String, String> settings, String key,
      String property) {
    if (settings.containsKey(key)) {
      return new Source("zmq bus setting '" + key + "'", settings.get(key));
    }
    String value = System.getProperty(property);
    return value == null ? null : new Source(property, value);
  }

  private static int parseInt(Source s, String what) {
    try {
      return Integer.parseInt(s.value().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s.name() + " must be " + what + " but was '"
          + s.value() + "'", e);
    }
  }
}
