package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

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
