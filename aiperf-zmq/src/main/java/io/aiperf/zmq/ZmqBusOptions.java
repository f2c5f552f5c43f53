package io.aiperf.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How a ZeroMQ bus binds or connects: the hub's host and port, channel capacity, CURVE keys and
 * timeouts. Immutable; made by {@link #builder()}, {@link #defaults()} or
 * {@link #fromSystemProperties()}.
 *
 * <pre>{@code
 * ZmqBusOptions hub = ZmqBusOptions.builder()
 *     .host("0.0.0.0").port(5555)                       // loopback and an OS-chosen port by default
 *     .curveKeys(CurveKeys.load(Path.of("hub.key_secret")))
 *     .authorizedClientKeys(List.of(CurveKeys.load(Path.of("worker.key"))))
 *     .build();
 * }</pre>
 *
 * <p>The system properties, read by {@link #fromSystemProperties()} and by the {@code zmq}
 * provider when a run creates its bus:
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>property</th><th>meaning</th></tr>
 *   <tr><td>{@value #CONNECT_PROPERTY}</td><td>join the hub at this address instead of being
 *       one</td></tr>
 *   <tr><td>{@value #HOST_PROPERTY}, {@value #PORT_PROPERTY}</td><td>where a hub binds
 *       (127.0.0.1, 0 = any free port)</td></tr>
 *   <tr><td>{@value #KEY_FILE_PROPERTY}</td><td>this side's CURVE key pair (a hub's makes it
 *       encrypt)</td></tr>
 *   <tr><td>{@value #SERVER_KEY_FILE_PROPERTY}</td><td>a client: the hub's public key (makes it
 *       encrypt)</td></tr>
 *   <tr><td>{@value #AUTHORIZED_KEYS_PROPERTY}</td><td>a hub: a file or folder of client public
 *       keys; only those clients get in</td></tr>
 * </table>
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

  private final String host;
  private final int port;
  private final int channelCapacity;
  private final CurveKeys curveKeys;
  private final CurveKeys curveServerKey;
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
   * Reads the options from the system properties listed in the class documentation.
   *
   * @return the options
   * @throws IllegalArgumentException if a property has a bad value
   * @throws UncheckedIOException if a key file cannot be read
   */
  public static ZmqBusOptions fromSystemProperties() {
    Builder b = builder();
    String host = System.getProperty(HOST_PROPERTY);
    if (host != null) {
      b.host(host);
    }
    String port = System.getProperty(PORT_PROPERTY);
    if (port != null) {
      try {
        b.port(Integer.parseInt(port.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number but was '"
            + port + "'", e);
      }
    }
    try {
      String keyFile = System.getProperty(KEY_FILE_PROPERTY);
      if (keyFile != null) {
        b.curveKeys(CurveKeys.load(Path.of(keyFile)));
      }
      String serverKeyFile = System.getProperty(SERVER_KEY_FILE_PROPERTY);
      if (serverKeyFile != null) {
        b.curveServerKey(CurveKeys.load(Path.of(serverKeyFile)));
      }
      String authorized = System.getProperty(AUTHORIZED_KEYS_PROPERTY);
      if (authorized != null) {
        b.authorizedClientKeys(loadPublicKeys(Path.of(authorized)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read a CURVE key file: " + e.getMessage(), e);
    }
    return b.build();
  }

  private static Collection<CurveKeys> loadPublicKeys(Path fileOrDir) throws IOException {
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
   * @return the keys, or null
   */
  public CurveKeys curveKeys() {
    return curveKeys;
  }

  /**
   * Returns the hub's public key a client checks.
   *
   * @return the key, or null
   */
  public CurveKeys curveServerKey() {
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
    private CurveKeys curveKeys;
    private CurveKeys curveServerKey;
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
