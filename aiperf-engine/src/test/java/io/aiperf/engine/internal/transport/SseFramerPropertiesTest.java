package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The framer on generated input: any bytes, cut anywhere. A network read can end at any byte, so
 * where the cuts fall must never change what is parsed, and nothing a server sends may crash it.
 */
final class SseFramerPropertiesTest {
  private record Message(String event, String data, String comment) {}

  private static List<Message> frame(byte[] stream, int[] cuts) {
    List<Message> out = new ArrayList<>();
    SseFramer framer = new SseFramer((event, data, comment, nanos) ->
        out.add(new Message(event, new String(data, StandardCharsets.ISO_8859_1), comment)));
    int[] points = Arrays.stream(cuts).map(c -> Math.floorMod(c, stream.length + 1)).sorted()
        .toArray();
    int from = 0;
    for (int p : points) {
      framer.feed(Arrays.copyOfRange(stream, from, p), 0);
      from = p;
    }
    framer.feed(Arrays.copyOfRange(stream, from, stream.length), 0);
    framer.finish(0);
    return out;
  }

  @Property(tries = 2_000)
  void anyBytes_cutAnywhere_parseTheSameAsInOneRead(
      @ForAll("sseLikeBytes") byte[] stream, @ForAll @Size(max = 12) int[] cuts) {
    assertThat(frame(stream, cuts)).isEqualTo(frame(stream, new int[0]));
  }

  private record Stamped(String event, String data, String comment, long nanos) {}

  private enum Buffers { HEAP, DIRECT, DIRECT_LITTLE_ENDIAN, HEAP_SLICE }

  private static ByteBuffer read(byte[] bytes, Buffers kind) {
    ByteBuffer b = switch (kind) {
      case HEAP -> ByteBuffer.allocate(bytes.length);
      case DIRECT -> ByteBuffer.allocateDirect(bytes.length);
      case DIRECT_LITTLE_ENDIAN ->
          ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
      // Netty hands over views into a larger buffer: position and limit are not 0 and capacity.
      case HEAP_SLICE -> ByteBuffer.allocate(bytes.length + 19).position(11);
    };
    b.mark();
    b.put(bytes);
    int end = b.position();
    b.reset();
    b.limit(end);
    return b;
  }

  /** Frames the reads with the given framer: each read is stamped with its index. */
  private static List<Stamped> frameStamped(byte[] stream, int[] cuts, Buffers kind,
      boolean reference) {
    List<Stamped> out = new ArrayList<>();
    SseFramer.Sink sink = (event, data, comment, nanos) ->
        out.add(new Stamped(event, new String(data, StandardCharsets.ISO_8859_1), comment, nanos));
    SseFramer framer = new SseFramer(sink);
    ReferenceSseFramer oracle = new ReferenceSseFramer(sink);
    int[] points = Arrays.stream(cuts).map(c -> Math.floorMod(c, stream.length + 1)).sorted()
        .toArray();
    int from = 0;
    long nanos = 0;
    for (int p = 0; p <= points.length; p++) {
      int to = p < points.length ? points[p] : stream.length;
      ByteBuffer bytes = read(Arrays.copyOfRange(stream, from, to), kind);
      nanos++;
      if (reference) {
        oracle.feed(bytes, nanos);
      } else {
        framer.feed(bytes, nanos);
        assertThat(bytes.hasRemaining()).isFalse();
      }
      from = to;
    }
    if (reference) {
      oracle.finish(nanos + 1);
    } else {
      framer.finish(nanos + 1);
    }
    return out;
  }

  @Property(tries = 2_000)
  void anyBytes_inAnyBuffer_frameExactlyAsTheByteAtATimeFramer_stampsIncluded(
      @ForAll("sseLikeBytes") byte[] stream, @ForAll @Size(max = 12) int[] cuts,
      @ForAll Buffers kind) {
    assertThat(frameStamped(stream, cuts, kind, false))
        .isEqualTo(frameStamped(stream, cuts, Buffers.HEAP, true));
  }

  @Property(tries = 1_000)
  void chatStreams_inAnyBuffer_frameExactlyAsTheByteAtATimeFramer_stampsIncluded(
      @ForAll("chatStreams") byte[] stream, @ForAll @Size(max = 12) int[] cuts,
      @ForAll Buffers kind) {
    assertThat(frameStamped(stream, cuts, kind, false))
        .isEqualTo(frameStamped(stream, cuts, Buffers.HEAP, true));
  }

  @Property(tries = 1_000)
  void wellFormedEvents_comeOutExactly_whateverTheLineEndings(
      @ForAll("events") List<Message> events, @ForAll("lineEnd") String eol,
      @ForAll @Size(max = 8) int[] cuts) {
    StringBuilder wire = new StringBuilder();
    for (Message m : events) {
      if (m.comment() != null) {
        wire.append(':').append(m.comment()).append(eol);
      }
      if (m.event() != null) {
        wire.append("event: ").append(m.event()).append(eol);
      }
      for (String line : m.data().split("\n", -1)) {
        wire.append("data: ").append(line).append(eol);
      }
      wire.append(eol);
    }
    byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
    assertThat(frame(bytes, cuts)).isEqualTo(events);
  }

  /** Bytes rich in what matters to a framer: field names, colons, CR, LF, and garbage. */
  @Provide
  Arbitrary<byte[]> sseLikeBytes() {
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.of("data:", "data: ", "event:", "id:", "retry:", ":", "\n", "\r", "\r\n",
            "\n\n", "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", "[DONE]", "\uFEFF"),
        Arbitraries.strings().ofMaxLength(6),
        Arbitraries.bytes().map(b -> new String(new byte[] {b}, StandardCharsets.ISO_8859_1)));
    return pieces.list().ofMaxSize(40)
        .map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Realistic streams: long data lines of every length around a word, any line ending. */
  @Provide
  Arbitrary<byte[]> chatStreams() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
    Arbitrary<String> eol = Arbitraries.of("\n", "\r\n", "\r");
    Arbitrary<String> message = Combinators.combine(text, eol, Arbitraries.integers().between(0, 3))
        .as((t, e, kind) -> switch (kind) {
          case 0 -> "data: {\"choices\":[{\"delta\":{\"content\":\"" + t + "\"}}]}" + e + e;
          case 1 -> "event: message" + e + "data:" + t + e + "data: " + t + e + e;
          case 2 -> ": ping " + t + e + "data: " + t + e + e;
          default -> "data: [DONE]" + e + e;
        });
    return message.list().ofMaxSize(12)
        .map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
  }

  @Provide
  Arbitrary<List<Message>> events() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20);
    Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(10);
    Arbitrary<String> data = text.list().ofMinSize(1).ofMaxSize(3)
        .map(lines -> String.join("\n", lines));
    Arbitrary<String> comment = Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(10);
    return Combinators.combine(name.injectNull(0.5), data, comment.injectNull(0.7))
        .as(Message::new).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> lineEnd() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }
}
