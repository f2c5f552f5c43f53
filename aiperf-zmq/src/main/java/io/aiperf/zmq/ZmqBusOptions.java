package io.aiperf.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How a ZeroMQ bus binds or connects: the hub's host and port, channel capacity, CURVE keys and
 * timeouts. Immutable; made by {@link #builder()}, {@link #defaults()} or
 * {@link #fromSettings(Map)} or {@link #fromSystemProperties()}.
 *
 * <pre>{@code
 * ZmqBusOptions hub = ZmqBusOptions.builder()
 *     .host("0.0.0.0").port(5555)                       // loopback and an OS-chosen port by default
 *     .curveKeys(CurveKeys.load(Path.of("hub.key_secret")))
 *     .authorizedClientKeys(List.of(CurveKeys.load(Path.of("worker.key"))))
 *     .build();
 * }</pre>
 *
 * <p>A run gets its bus settings from {@code Benchmark.builder().messageBus("zmq", settings)};
 * {@link #fromSettings(Map)} reads them and {@link #toSettings()} writes typed options back as
 * settings. The keys:
 *
 * <table>
 *   <caption>Settings of the {@code zmq} bus</caption>
 *   <tr><th>key</th><th>meaning</th><th>system property fallback</th></tr>
 *   <tr><td>{@value #CONNECT}</td><td>join the hub at this address instead of being one (read by
 *       the provider, not held in the options)</td><td>{@value #CONNECT_PROPERTY}</td></tr>
 *   <tr><td>{@value #HOST}, {@value #PORT}</td><td>where a hub binds (127.0.0.1, 0 = any free
 *       port)</td><td>{@value #HOST_PROPERTY}, {@value #PORT_PROPERTY}</td></tr>
 *   <tr><td>{@value #KEY_FILE}</td><td>this side's CURVE key pair (a hub's makes it
 *       encrypt)</td><td>{@value #KEY_FILE_PROPERTY}</td></tr>
 *   <tr><td>{@value #SERVER_KEY_FILE}</td><td>a client: the hub's public key (makes it
 *       encrypt)</td><td>{@value #SERVER_KEY_FILE_PROPERTY}</td></tr>
 *   <tr><td>{@value #AUTHORIZED_KEYS}</td><td>a hub: a file or folder of client public keys;
 *       only those clients get in</td><td>{@value #AUTHORIZED_KEYS_PROPERTY}</td></tr>
 *   <tr><td>{@value #PUBLIC_KEY}, {@value #SECRET_KEY}</td><td>this side's CURVE key pair
 *       inline, in Z85, instead of {@value #KEY_FILE}</td><td>none</td></tr>
 *   <tr><td>{@value #SERVER_KEY}</td><td>the hub's public key inline, instead of
 *       {@value #SERVER_KEY_FILE}</td><td>none</td></tr>
 *   <tr><td>{@value #AUTHORIZED_CLIENT_KEYS}</td><td>client public keys inline, comma-separated,
 *       instead of {@value #AUTHORIZED_KEYS}</td><td>none</td></tr>
 *   <tr><td>{@value #CONNECT_TIMEOUT_MILLIS}, {@value #CLOSE_TIMEOUT_MILLIS}</td><td>the
 *       timeouts, in milliseconds</td><td>none</td></tr>
 * </table>
 *
 * <p>The system properties are a fallback for {@code -D} users, e.g. the command line: one is
 * read only when the settings give nothing for what it sets (the key file property, for
 * instance, only when neither {@value #KEY_FILE} nor the inline keys are given). Settings belong
 * to one bus; system properties are shared by every bus in the JVM.
 *
 * <pre>{@code
 * Map<String, String> settings = ZmqBusOptions.builder().host("0.0.0.0").port(5555).build()
 *     .toSettings();
 * Benchmark.builder().messageBus("zmq", settings);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ZmqBusOptions {
  /** Address of the hub to join, e.g. {@code tcp://10.0.0.5:5555}. */
  public static final String CONNECT_PROPERTY = "aiperf.zmq.connect";
  /** Host or interface a hub binds. */
  public static final String HOST_PROPERTY = "aiperf.zmq.host";
  /** Port a hub binds; 0 for one the OS chooses. */
  public static final String PORT_PROPERTY = "aiperf.zmq.port";
  /** Certificate file with this side's CURVE public and secret keys. */
  public static final String KEY_FILE_PROPERTY = "aiperf.zmq.curveKeyFile";
  /** Certificate file with the hub's CURVE public key, for clients. */
  public static final String SERVER_KEY_FILE_PROPERTY = "aiperf.zmq.curveServerKeyFile";
  /** Certificate file, or folder of them, with the public keys of the clients a hub lets in. */
  public static final String AUTHORIZED_KEYS_PROPERTY = "aiperf.zmq.curveAuthorizedKeys";

  /** Setting: address of the hub to join, e.g. {@code tcp://10.0.0.5:5555}. */
  public static final String CONNECT = "connect";
  /** Setting: host or interface a hub binds. */
  public static final String HOST = "host";
  /** Setting: port a hub binds; 0 for one the OS chooses. */
  public static final String PORT = "port";
  /** Setting: certificate file with this side's CURVE public and secret keys. */
  public static final String KEY_FILE = "curveKeyFile";
  /** Setting: certificate file with the hub's CURVE public key, for clients. */
  public static final String SERVER_KEY_FILE = "curveServerKeyFile";
  /** Setting: certificate file, or folder of them, with the public keys of admitted clients. */
  public static final String AUTHORIZED_KEYS = "curveAuthorizedKeys";
  /** Setting: this side's CURVE public key, 40 Z85 characters; needs {@value #SECRET_KEY}. */
  public static final String PUBLIC_KEY = "curvePublicKey";
  /** Setting: this side's CURVE secret key, 40 Z85 characters; needs {@value #PUBLIC_KEY}. */
  public static final String SECRET_KEY = "curveSecretKey";
  /** Setting: the hub's CURVE public key, 40 Z85 characters, for clients. */
  public static final String SERVER_KEY = "curveServerKey";
  /** Setting: the public keys of the clients a hub lets in, Z85, comma-separated. */
  public static final String AUTHORIZED_CLIENT_KEYS = "curveAuthorizedClientKeys";
  /** Setting: how long a client waits for the hub to answer, in milliseconds. */
  public static final String CONNECT_TIMEOUT_MILLIS = "connectTimeoutMillis";
  /** Setting: the most {@code close()} waits for messages in flight, in milliseconds. */
  public static final String CLOSE_TIMEOUT_MILLIS = "closeTimeoutMillis";

  /** Every setting key the {@code zmq} bus knows, sorted. */
  private static final Set<String> SETTINGS = Collections.unmodifiableSet(new TreeSet<>(List.of(
      CONNECT, HOST, PORT, KEY_FILE, SERVER_KEY_FILE, AUTHORIZED_KEYS, PUBLIC_KEY, SECRET_KEY,
      SERVER_KEY, AUTHORIZED_CLIENT_KEYS, CONNECT_TIMEOUT_MILLIS, CLOSE_TIMEOUT_MILLIS)));

  private final String host;
  private final int port;
  private final int channelCapacity;
  private final @Nullable CurveKeys curveKeys;
  private final @Nullable CurveKeys curveServerKey;
  private final Set<String> authorizedClientKeys;
  private final Duration connectTimeout;
  private final Duration closeTimeout;

  private ZmqBusOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.channelCapacity = b.channelCapacity;
    this.curveKeys = b.curveKeys;
    this.curveServerKey = b.curveServerKey;
    this.authorizedClientKeys = Set.copyOf(b.authorizedClientKeys);
    this.connectTimeout = b.connectTimeout;
    this.closeTimeout = b.closeTimeout;
  }

  /**
   * Returns the defaults: loopback, an OS-chosen port, capacity 1024, no encryption, 10 s
   * timeouts.
   *
   * @return the defaults
   */
  public static ZmqBusOptions defaults() {
    return builder().build();
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the options from the system properties listed in the class documentation, as
   * {@link #fromSettings(Map)} does with no settings.
   *
   * @return the options
   * @throws IllegalArgumentException if a property has a bad value
   * @throws UncheckedIOException if a key file cannot be read
   */
  public static ZmqBusOptions fromSystemProperties() {
    return fromSettings(Map.of());
  }

  /**
   * Returns every setting key the {@code zmq} bus knows.
   *
   * @return the keys, sorted
   */
  public static Set<String> settingKeys() {
    return SETTINGS;
  }

  /**
   * Reads the options from bus settings, falling back to the system properties for what the
   * settings leave out (see the class documentation). {@value #CONNECT} is accepted but not held
   * in the options: it chooses between {@link ZmqBus#hub} and {@link ZmqBus#connect}.
   *
   * @param settings key to value, e.g. from {@code BenchmarkConfig.messageBusSettings()}
   * @return the options
   * @throws IllegalArgumentException if a key is unknown (the message lists the valid ones) or a
   *     value is bad (the message names its key or property)
   * @throws UncheckedIOException if a key file cannot be read
   */
  public static ZmqBusOptions fromSettings(Map<String, String> settings) {
    Objects.requireNonNull(settings, "settings");
    for (String key : new TreeSet<>(settings.keySet())) {
      if (!SETTINGS.contains(key)) {
        throw new IllegalArgumentException("zmq bus setting was '" + key + "' but it must be one"
            + " of " + SETTINGS);
      }
    }
    return SettingsReader.read(settings, builder());
  }

  /**
   * Writes these options as bus settings, so typed options can be given to
   * {@code Benchmark.builder().messageBus("zmq", settings)}. The channel capacity is left out:
   * the engine chooses it.
   *
   * @return key to value, with the keys from {@link #fromSettings(Map)}; it holds the secret key
   *     in clear when this side has CURVE keys
   */
  public Map<String, String> toSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(HOST, host);
    out.put(PORT, Integer.toString(port));
    if (curveKeys != null) {
      out.put(PUBLIC_KEY, curveKeys.publicKey());
      out.put(SECRET_KEY, curveKeys.secretKey());
    }
    if (curveServerKey != null) {
      out.put(SERVER_KEY, curveServerKey.publicKey());
    }
    if (!authorizedClientKeys.isEmpty()) {
      out.put(AUTHORIZED_CLIENT_KEYS, String.join(",", authorizedClientKeys));
    }
    out.put(CONNECT_TIMEOUT_MILLIS, Long.toString(connectTimeout.toMillis()));
    out.put(CLOSE_TIMEOUT_MILLIS, Long.toString(closeTimeout.toMillis()));
    return Collections.unmodifiableMap(out);
  }

  static Collection<CurveKeys> loadPublicKeys(Path fileOrDir) throws IOException {
    if (!Files.isDirectory(fileOrDir)) {
      return Set.of(CurveKeys.load(fileOrDir).publicOnly());
    }
    Set<CurveKeys> keys = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(fileOrDir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        keys.add(CurveKeys.load(f).publicOnly());
      }
    }
    return keys;
  }

  /**
   * Returns a builder holding these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.channelCapacity = channelCapacity;
    b.curveKeys = curveKeys;
    b.curveServerKey = curveServerKey;
    b.authorizedClientKeys.addAll(authorizedClientKeys);
    b.connectTimeout = connectTimeout;
    b.closeTimeout = closeTimeout;
    return b;
  }

  /**
   * Returns the host or interface a hub binds.
   *
   * @return the host, {@code 127.0.0.1} by default
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port a hub binds.
   *
   * @return the port, 0 (any free one) by default
   */
  public int port() {
    return port;
  }

  /**
   * Returns how many unacknowledged messages a bus may have on one channel before
   * {@code send} blocks.
   *
   * @return the capacity
   */
  public int channelCapacity() {
    return channelCapacity;
  }

  /**
   * Returns this side's CURVE keys.
   *
   * @return the keys, or null when none were set (this side uses no CURVE key pair)
   */
  public @Nullable CurveKeys curveKeys() {
    return curveKeys;
  }

  /**
   * Returns the hub's public key a client checks.
   *
   * @return the key, or null when none was set (this side does not authenticate a hub)
   */
  public @Nullable CurveKeys curveServerKey() {
    return curveServerKey;
  }

  /**
   * Returns the Z85 public keys of the clients a hub lets in.
   *
   * @return the keys; empty lets in any client that knows the hub's public key
   */
  public Set<String> authorizedClientKeys() {
    return authorizedClientKeys;
  }

  /**
   * Returns how long a client waits for the hub to answer, and registrations for their
   * confirmation.
   *
   * @return the timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the most {@code close()} waits for messages in flight to be delivered.
   *
   * @return the timeout
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ZmqBusOptions[host=%s, port=%d, channelCapacity=%d, "
        + "curve=%s, authorizedClients=%d]", host, port, channelCapacity,
        curveKeys != null || curveServerKey != null, authorizedClientKeys.size());
  }

  /** Builds {@link ZmqBusOptions}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private int channelCapacity = 1024;
    private @Nullable CurveKeys curveKeys;
    private @Nullable CurveKeys curveServerKey;
    private final Set<String> authorizedClientKeys = new LinkedHashSet<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sets the host or interface a hub binds; {@code 0.0.0.0} for every interface.
     *
     * @param host the host
     * @return this builder
     * @throws IllegalArgumentException if it is blank
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host.strip();
      return this;
    }

    /**
     * Sets the port a hub binds.
     *
     * @param port the port, 0 for one the OS chooses
     * @return this builder
     * @throws IllegalArgumentException if it is outside 0 to 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535] but was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets how many unacknowledged messages this bus may have on one channel before
     * {@code send} blocks.
     *
     * @param channelCapacity the capacity
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder channelCapacity(int channelCapacity) {
      if (channelCapacity < 1) {
        throw new IllegalArgumentException("channelCapacity must be >= 1 but was "
            + channelCapacity);
      }
      this.channelCapacity = channelCapacity;
      return this;
    }

    /**
     * Sets this side's CURVE key pair. On a hub it turns on encryption; on a client it is the
     * identity the hub checks against its authorized keys (a client without one uses a fresh
     * pair).
     *
     * @param keys the key pair
     * @return this builder
     * @throws IllegalArgumentException if the secret key is missing
     */
    public Builder curveKeys(CurveKeys keys) {
      Objects.requireNonNull(keys, "curveKeys");
      if (!keys.hasSecretKey()) {
        throw new IllegalArgumentException("curveKeys must hold a secret key but had only "
            + keys.publicKey());
      }
      this.curveKeys = keys;
      return this;
    }

    /**
     * Sets the hub's public key; a client then encrypts and talks only to that hub.
     *
     * @param serverKey the hub's public key
     * @return this builder
     */
    public Builder curveServerKey(CurveKeys serverKey) {
      this.curveServerKey = Objects.requireNonNull(serverKey, "curveServerKey").publicOnly();
      return this;
    }

    /**
     * Restricts a hub to clients with these public keys.
     *
     * @param keys the clients' keys (secret keys, if present, are ignored)
     * @return this builder
     */
    public Builder authorizedClientKeys(Collection<CurveKeys> keys) {
      Objects.requireNonNull(keys, "authorizedClientKeys");
      keys.forEach(k -> authorizedClientKeys.add(k.publicKey()));
      return this;
    }

    /**
     * Sets how long a client waits for the hub to answer.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the most {@code close()} waits for messages in flight.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException if a hub would encrypt without authorized keys being
     *     meaningful, i.e. authorized keys are set without the hub's own keys
     */
    public ZmqBusOptions build() {
      if (!authorizedClientKeys.isEmpty() && curveKeys == null) {
        throw new IllegalArgumentException("authorizedClientKeys was '" + authorizedClientKeys.size()
            + " keys' but it needs curveKeys, the hub's own key pair");
      }
      return new ZmqBusOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }
  }
}
