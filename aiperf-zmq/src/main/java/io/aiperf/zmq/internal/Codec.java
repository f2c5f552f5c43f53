package io.aiperf.zmq.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.aiperf.api.spi.BusMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes bus messages into one frame: a format byte, the record's class name as a type tag, then
 * the record as CBOR (Jackson; byte arrays stay raw binary, no base64).
 *
 * <p>Only classes that implement {@link BusMessage} and pass {@link WireTypes} are ever
 * instantiated from the wire: the tag is checked before any class is initialized, and nothing
 * below the top level is polymorphic. A message that cannot be encoded (e.g. it holds a
 * configuration object with callbacks) travels as a reference that only buses in this JVM can
 * resolve; {@link LocalRefs} explains the trade-off.
 */
final class Codec {
  private static final Logger log = LoggerFactory.getLogger(Codec.class);
  // A bus's dropped messages are logged under the bus's name, as before the bus was split up.
  private static final Logger busLog = LoggerFactory.getLogger(ZmqMessageBusImpl.class);
  static final byte CBOR = 1;
  static final byte REF = 2;
  /** A channel message held in the hub's JVM ({@link LocalPayloads}). */
  static final byte LOCAL = 3;
  /** The frame that names an event's class and its BusMessage supertypes, for the hub. */
  private static final ClassValue<byte[]> TYPES_FRAME = new ClassValue<>() {
    @Override
    protected byte[] computeValue(Class<?> type) {
      return Protocol.utf8(String.join("\n", WireTypes.TYPE_NAMES.get(type)));
    }
  };

  private final ObjectMapper mapper;
  private final ClassLoader loader;
  private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();
  private final Map<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();
  private final Set<Class<?>> warnedLocal = ConcurrentHashMap.newKeySet();
  private final Set<String> warnedUndecodable = ConcurrentHashMap.newKeySet();
  /** The messages the hub of this JVM holds, on the hub's own bus; null on a client. */
  private final @Nullable LocalPayloads local;

  /**
   * Creates a codec for a client bus.
   *
   * @param loader where message classes named on the wire are looked up
   */
  Codec(ClassLoader loader) {
    this(loader, null);
  }

  /**
   * Creates a codec.
   *
   * @param loader where message classes named on the wire are looked up
   * @param local the messages the hub holds, for the hub's own bus; null on a client
   */
  Codec(ClassLoader loader, @Nullable LocalPayloads local) {
    this.loader = loader;
    this.local = local;
    this.mapper = new ObjectMapper(new CBORFactory())
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // A newer sender may add a record component; an older receiver ignores it.
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /**
   * Encodes a message.
   *
   * @param message the message
   * @return the frame
   * @throws IllegalArgumentException if Jackson fails on a message that looked encodable
   */
  byte[] encode(BusMessage message) {
    Class<?> type = message.getClass();
    String why = WireTypes.whyNot(type);
    byte[] tag = type.getName().getBytes(StandardCharsets.UTF_8);
    if (why != null) {
      if (warnedLocal.add(type)) {
        // Debug, not warn: the engine's results stay in the controller's JVM by design, and a
        // process that does receive such a message fails loudly when it decodes it.
        log.debug("{} cannot cross processes ({}); it is passed by reference to buses in this"
            + " JVM only", type.getName(), why);
      }
      long id = LocalRefs.put(message);
      return ByteBuffer.allocate(17 + tag.length).put(REF).putLong(LocalRefs.JVM).putLong(id)
          .put(tag).array();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + tag.length);
    out.write(CBOR);
    out.write(tag.length >>> 8);
    out.write(tag.length);
    out.write(tag, 0, tag.length);
    try {
      writers.computeIfAbsent(type, mapper::writerFor).writeValue(out, message);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot encode " + type.getName() + ": "
          + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes a frame made by {@link #encode}.
   *
   * @param frame the frame
   * @return the message
   * @throws IllegalArgumentException if the frame is malformed, names a class that is not an
   *     encodable BusMessage, or is a reference from another JVM
   */
  BusMessage decode(byte[] frame) {
    if (frame.length < 3) {
      throw new IllegalArgumentException("Malformed bus frame of " + frame.length + " bytes");
    }
    if (frame[0] == LOCAL && LocalPayloads.isHandle(frame)) {
      BusMessage m = local == null ? null : local.take(frame);
      if (m == null) {
        throw new IllegalArgumentException("A channel message held by the hub "
            + (local == null ? "reached a bus in another process" : "was taken twice"));
      }
      return m;
    }
    if (frame[0] == REF) {
      ByteBuffer b = ByteBuffer.wrap(frame);
      b.get();
      long jvm = b.getLong();
      long id = b.getLong();
      String tag = new String(frame, 17, frame.length - 17, StandardCharsets.UTF_8);
      if (jvm != LocalRefs.JVM) {
        throw new IllegalArgumentException("A " + tag + " came from another process, but that "
            + "type cannot cross processes (see the sender's log)");
      }
      BusMessage m = LocalRefs.get(id);
      if (m == null) {
        throw new IllegalArgumentException("A " + tag + " passed by reference expired before it "
            + "was delivered");
      }
      return m;
    }
    if (frame[0] != CBOR) {
      throw new IllegalArgumentException("Unknown bus frame format " + frame[0]);
    }
    int tagLength = (frame[1] & 0xff) << 8 | frame[2] & 0xff;
    if (3 + tagLength > frame.length) {
      throw new IllegalArgumentException("Malformed bus frame: tag of " + tagLength + " bytes");
    }
    String tag = new String(frame, 3, tagLength, StandardCharsets.UTF_8);
    ObjectReader reader = readers.get(tag);
    if (reader == null) {
      // Not cached until checked, so junk tags cannot grow the cache.
      reader = mapper.readerFor(checkedClass(tag));
      readers.put(tag, reader);
    }
    try {
      return reader.readValue(frame, 3 + tagLength, frame.length - 3 - tagLength);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot decode a " + tag + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the types frame of an event: its class and BusMessage supertypes, newline-separated,
   * which the hub matches against subscriptions without decoding the payload.
   *
   * @param type the message class
   * @return the frame (shared; never written to)
   */
  static byte[] typesFrame(Class<?> type) {
    return TYPES_FRAME.get(type);
  }

  /**
   * Decodes a frame on a receiving bus, where a message that cannot be decoded is dropped and
   * logged once per distinct reason rather than failing the thread that delivers it.
   *
   * @param frame the frame
   * @param what what it was, for the log, e.g. {@code "an event"}
   * @param peerId the receiving bus, for the log
   * @return the message, or null if it was dropped
   */
  @Nullable BusMessage decodeOrLog(byte[] frame, String what, String peerId) {
    try {
      return decode(frame);
    } catch (IllegalArgumentException e) {
      if (warnedUndecodable.add(e.getMessage())) {
        busLog.error("ZMQ bus {} dropped {} it cannot decode: {}", peerId, what, e.getMessage());
      }
      return null;
    }
  }

  private Class<?> checkedClass(String tag) {
    Class<?> type;
    try {
      type = Class.forName(tag, false, loader); // false: no static initializer runs
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("Unknown message type '" + tag + "'", e);
    }
    String why = WireTypes.whyNot(type);
    if (why != null) {
      throw new IllegalArgumentException("Refusing to decode '" + tag + "': " + why);
    }
    return type;
  }
}
