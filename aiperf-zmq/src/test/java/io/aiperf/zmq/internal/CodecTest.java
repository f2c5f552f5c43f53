package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class CodecTest {
  private final Codec codec = new Codec(CodecTest.class.getClassLoader());

  /** Every bus message record the engine sends. */
  static Stream<Class<?>> engineMessages() {
    return Arrays.stream(Messages.class.getDeclaredClasses())
        .filter(c -> c.isRecord() && BusMessage.class.isAssignableFrom(c))
        .sorted(java.util.Comparator.comparing(Class::getName));
  }

  @Test
  void engineMessages_areAllFound() {
    assertThat(engineMessages().map(Class::getSimpleName)).contains("Credit", "RawRecord",
        "ProcessedRecord", "DatasetReady", "ProfileResults", "CreditReturn", "ServiceFailed");
  }

  @ParameterizedTest
  @MethodSource("engineMessages")
  void engineMessage_roundTrips(Class<?> type) throws Exception {
    BusMessage original = (BusMessage) sample(type, 0);
    BusMessage decoded = codec.decode(codec.encode(original));
    if (type == Messages.ProfileResults.class) {
      // It holds the whole BenchmarkConfig (listener, console): passed by reference in this JVM.
      assertThat(decoded).isSameAs(original);
      return;
    }
    assertThat(decoded).isInstanceOf(type).isNotSameAs(original);
    assertThat(decoded).usingRecursiveComparison().isEqualTo(original);
  }

  @Test
  void profileResults_isNotEncodable_andSaysWhy() {
    assertThat(WireTypes.whyNot(Messages.ProfileResults.class))
        .contains("io.aiperf.api.BenchmarkConfig", "neither a record nor a plain value");
    assertThat(codec.encode(new Messages.ProfileResults(null))[0]).isEqualTo(Codec.REF);
  }

  @Test
  void rawRecord_bytesStayBinary_notBase64() {
    byte[] body = new byte[100_000];
    new java.util.Random(1).nextBytes(body);
    Messages.RawRecord raw = (Messages.RawRecord) sample(Messages.RawRecord.class, 0);
    Messages.RawResponse r = raw.response();
    raw = new Messages.RawRecord(raw.request(), raw.timing(), new Messages.RawResponse(r.status(),
        r.contentType(), r.messageNanos(), r.messageEvents(), r.messageData(),
        r.messageComments(), r.messageCount(), body, r.errorType(), r.errorMessage()));
    assertThat(codec.encode(raw).length).isBetween(100_000, 101_500);
  }

  @Test
  void nullComponents_roundTrip() {
    Messages.ProfileCancel m = new Messages.ProfileCancel(null);
    assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
  }

  /** A message with every shape the codec promises. */
  record Shapes(byte[] bytes, List<Nested> list, Map<String, long[]> map, Set<Messages.Phase> set,
      Messages.Phase phase, Duration duration, Instant instant, java.util.Optional<String> maybe,
      Integer boxed, double[][] matrix) implements BusMessage {}

  /** A nested record. */
  record Nested(String name, byte[] data) {}

  @Test
  void everyPromisedShape_roundTrips() {
    Shapes s = new Shapes(new byte[] {0, -1, 127}, List.of(new Nested("a", new byte[] {1})),
        Map.of("k", new long[] {1, Long.MAX_VALUE}), Set.of(Messages.Phase.WARMUP),
        Messages.Phase.PROFILING, Duration.ofMillis(1500), Instant.ofEpochSecond(1, 5),
        java.util.Optional.of("x"), null, new double[][] {{1.5}, {}});
    assertThat(codec.decode(codec.encode(s))).usingRecursiveComparison().isEqualTo(s);
  }

  static volatile boolean notAMessageInitialized;

  /** Not a message; its static initializer must never run on a decode. */
  static final class NotAMessage {
    static {
      notAMessageInitialized = true;
    }
  }

  /** A message that could smuggle in any class through a polymorphic field. */
  record Polymorphic(Object anything) implements BusMessage {}

  @Test
  void decode_refusesClassesThatAreNotEncodableMessages_withoutInitializingThem() {
    assertThatThrownBy(() -> codec.decode(frame(NotAMessage.class.getName())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Refusing to decode")
        .hasMessageContaining("does not implement BusMessage");
    assertThat(notAMessageInitialized).isFalse();
    assertThatThrownBy(() -> codec.decode(frame(Polymorphic.class.getName())))
        .hasMessageContaining("Refusing to decode")
        .hasMessageContaining("anything is a java.lang.Object");
    assertThatThrownBy(() -> codec.decode(frame("com.example.Nope")))
        .hasMessage("Unknown message type 'com.example.Nope'");
    assertThatThrownBy(() -> codec.decode(new byte[] {9, 0, 0}))
        .hasMessage("Unknown bus frame format 9");
  }

  @Test
  void localReference_fromAnotherJvm_failsClearly() {
    byte[] frame = codec.encode(new Polymorphic("x"));
    java.nio.ByteBuffer.wrap(frame).putLong(1, LocalRefs.JVM + 1);
    assertThatThrownBy(() -> codec.decode(frame))
        .hasMessageContaining("came from another process")
        .hasMessageContaining(Polymorphic.class.getName());
  }

  private static byte[] frame(String tag) {
    byte[] t = tag.getBytes(StandardCharsets.UTF_8);
    byte[] f = new byte[3 + t.length + 1];
    f[0] = Codec.CBOR;
    f[1] = (byte) (t.length >>> 8);
    f[2] = (byte) t.length;
    System.arraycopy(t, 0, f, 3, t.length);
    f[f.length - 1] = (byte) 0xa0; // an empty CBOR map
    return f;
  }

  // ------------------------------------------------------------ sample values by reflection

  static Object sample(Type type, int depth) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      Object element = sample(args[raw == Map.class ? 1 : 0], depth + 1);
      if (element == null) {
        return raw == Map.class ? Map.of() : raw == Set.class ? Set.of() : List.of();
      }
      if (raw == List.class) {
        return List.of(element, element);
      }
      if (raw == Set.class) {
        return Set.of(element);
      }
      if (raw == Map.class) {
        return Map.of("key-" + depth, element);
      }
      if (raw == java.util.Optional.class) {
        return java.util.Optional.of(sample(args[0], depth + 1));
      }
      throw new IllegalArgumentException("No sample for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == int.class || c == Integer.class) {
      return 7 + depth;
    }
    if (c == long.class || c == Long.class) {
      return 1L << 40 | depth;
    }
    if (c == double.class || c == Double.class) {
      return 0.25 + depth;
    }
    if (c == byte.class || c == Byte.class) {
      return (byte) (depth - 3);
    }
    if (c == boolean.class || c == Boolean.class) {
      return true;
    }
    if (c == String.class) {
      return "text-" + depth + "-é";
    }
    if (c == Duration.class) {
      return Duration.ofNanos(1_500_000_000L + depth);
    }
    if (c == java.time.Instant.class) {
      return java.time.Instant.ofEpochSecond(1_700_000_000L + depth, 123_456_789);
    }
    if (c.isEnum()) {
      Object[] values = c.getEnumConstants();
      return values[values.length - 1];
    }
    if (c.isArray()) {
      Object array = Array.newInstance(c.getComponentType(), 2);
      for (int i = 0; i < 2; i++) {
        Array.set(array, i, sample(c.getComponentType(), depth + 1 + i));
      }
      return array;
    }
    if (c == RecordValues.class) {
      // Its offsets must index its values: two metrics, the second with two values.
      return new RecordValues(new int[] {0, 1, 1, 3}, new double[] {0.25 + depth, 1.5, -2});
    }
    if (c.isRecord()) {
      if (depth > 4) {
        return null; // e.g. RecordMeta.raw: stop the recursion, and check nulls too
      }
      RecordComponent[] components = c.getRecordComponents();
      Object[] values = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        values[i] = c == Messages.ProfileResults.class ? null
            : sample(components[i].getGenericType(), depth + 1);
        types[i] = components[i].getType();
      }
      try {
        Constructor<?> canonical = c.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        return canonical.newInstance(values);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot make a sample " + c.getName(), e);
      }
    }
    throw new IllegalArgumentException("No sample for " + type);
  }
}
