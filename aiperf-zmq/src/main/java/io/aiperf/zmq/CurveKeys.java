package io.aiperf.zmq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.zeromq.ZMQ;

/**
 * A CURVE key pair (or a public key alone), in ZeroMQ's Z85 text form. Files use ZeroMQ's
 * certificate format (as written by czmq's {@code zcert_save} and read by pyzmq's
 * {@code zmq.auth.load_certificate}), so keys can be shared with other ZeroMQ tools:
 *
 * <pre>
 * curve
 *     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
 *     secret-key = "JTKVSB%%)wK0E.X)V&gt;+}o?pNmC{O&amp;4W4b!Ni{Lh6"
 * </pre>
 *
 * <pre>{@code
 * CurveKeys hub = CurveKeys.generate();
 * hub.saveSecret(Path.of("hub.key_secret")); // owner-only permissions
 * hub.savePublic(Path.of("hub.key"));        // give this one to the workers
 * }</pre>
 *
 * <p>{@link #toString()} never shows the secret key.
 *
 * @since 0.1.0
 */
public final class CurveKeys {
  private static final Pattern KEY =
      Pattern.compile("^\\s*(public|secret)-key\\s*=\\s*\"(.{40})\"\\s*$", Pattern.MULTILINE);

  private final String publicKey;
  private final @Nullable String secretKey; // null when only the public key is known

  private CurveKeys(String publicKey, @Nullable String secretKey) {
    this.publicKey = checkKey(publicKey, "publicKey");
    this.secretKey = secretKey == null ? null : checkKey(secretKey, "secretKey");
  }

  /**
   * Generates a new key pair.
   *
   * @return the pair
   */
  public static CurveKeys generate() {
    ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
    return new CurveKeys(pair.publicKey, pair.secretKey);
  }

  /**
   * Makes a public key alone, e.g. the hub's key a client authenticates it with.
   *
   * @param publicKey the key, 40 Z85 characters
   * @return the key
   * @throws IllegalArgumentException if it is not a Z85 CURVE key
   */
  public static CurveKeys ofPublicKey(String publicKey) {
    return new CurveKeys(Objects.requireNonNull(publicKey, "publicKey"), null);
  }

  /**
   * Makes a key pair from its Z85 keys.
   *
   * @param publicKey the public key, 40 Z85 characters
   * @param secretKey the secret key, 40 Z85 characters
   * @return the pair
   * @throws IllegalArgumentException if a key is not a Z85 CURVE key
   */
  public static CurveKeys of(String publicKey, String secretKey) {
    return new CurveKeys(Objects.requireNonNull(publicKey, "publicKey"),
        Objects.requireNonNull(secretKey, "secretKey"));
  }

  /**
   * Reads a certificate file: its {@code public-key} and, if present, its {@code secret-key}.
   *
   * @param file the file
   * @return the keys
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it holds no valid public key (the message names the file,
   *     never a key)
   */
  public static CurveKeys load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String pub = null;
    String sec = null;
    Matcher m = KEY.matcher(text);
    while (m.find()) {
      if (m.group(1).equals("public")) {
        pub = m.group(2);
      } else {
        sec = m.group(2);
      }
    }
    if (pub == null) {
      throw new IllegalArgumentException("No public-key = \"<40 Z85 characters>\" line in "
          + file);
    }
    try {
      return new CurveKeys(pub, sec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid CURVE key in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the public key.
   *
   * @return 40 Z85 characters
   */
  public String publicKey() {
    return publicKey;
  }

  /**
   * Tells whether the secret key is known.
   *
   * @return true for a key pair
   */
  public boolean hasSecretKey() {
    return secretKey != null;
  }

  /**
   * Returns the secret key. Keep it out of logs and messages.
   *
   * @return 40 Z85 characters
   * @throws IllegalStateException if only the public key is known
   */
  public String secretKey() {
    if (secretKey == null) {
      throw new IllegalStateException("These CURVE keys hold only the public key " + publicKey);
    }
    return secretKey;
  }

  /**
   * Writes the public key alone, for the other side.
   *
   * @param file the file
   * @throws IOException if it cannot be written
   */
  public void savePublic(Path file) throws IOException {
    Files.writeString(file, "#   ZeroMQ CURVE Public Certificate (aiperf-zmq)\n"
        + "#   Exchange securely, or upgrade the certificate to a secret one.\n\n"
        + "metadata\ncurve\n    public-key = \"" + publicKey + "\"\n", StandardCharsets.UTF_8);
  }

  /**
   * Writes both keys, readable by the owner only where the file system supports POSIX
   * permissions.
   *
   * @param file the file
   * @throws IOException if it cannot be written
   * @throws IllegalStateException if only the public key is known
   */
  public void saveSecret(Path file) throws IOException {
    String secret = secretKey();
    Files.deleteIfExists(file);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(file, "#   ZeroMQ CURVE **Secret** Certificate (aiperf-zmq)\n"
        + "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n"
        + "metadata\ncurve\n    public-key = \"" + publicKey + "\"\n    secret-key = \""
        + secret + "\"\n", StandardCharsets.UTF_8);
  }

  /**
   * Returns the public key alone.
   *
   * @return the keys without the secret
   */
  public CurveKeys publicOnly() {
    return secretKey == null ? this : new CurveKeys(publicKey, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CurveKeys k && k.publicKey.equals(publicKey)
        && Objects.equals(k.secretKey, secretKey);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  /** Shows the public key and whether the secret is known, never the secret itself. */
  @Override
  public String toString() {
    return "CurveKeys[public=" + publicKey + (secretKey == null ? "" : ", secret=<redacted>")
        + "]";
  }

  private static String checkKey(String key, String what) {
    if (key.length() != 40) {
      throw new IllegalArgumentException(what + " must be 40 Z85 characters but had "
          + key.length());
    }
    byte[] raw = ZMQ.Curve.z85Decode(key);
    if (raw == null || raw.length != 32) {
      throw new IllegalArgumentException(what + " is not valid Z85");
    }
    return key;
  }
}
