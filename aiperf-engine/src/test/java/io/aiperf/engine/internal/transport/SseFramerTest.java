package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class SseFramerTest {
  private record Message(String event, String data, String comment, long nanos) {}

  private final List<Message> messages = new ArrayList<>();
  private final SseFramer framer = new SseFramer((event, data, comment, nanos) ->
      messages.add(new Message(event, new String(data, StandardCharsets.UTF_8), comment, nanos)));

  private void feed(String s, long nanos) {
    framer.feed(s.getBytes(StandardCharsets.UTF_8), nanos);
  }

  @Test
  void twoMessagesInOneRead_shareTheReadTimestamp() {
    feed("data: {\"a\":1}\n\ndata: {\"a\":2}\n\n", 100);
    assertThat(messages).containsExactly(new Message(null, "{\"a\":1}", null, 100),
        new Message(null, "{\"a\":2}", null, 100));
  }

  @Test
  void messageSplitAcrossReads_getsTheTimestampOfTheReadThatCompletesIt() {
    feed("da", 1);
    feed("ta: hel", 2);
    feed("lo\n", 3);
    assertThat(messages).isEmpty();
    feed("\n", 4);
    assertThat(messages).containsExactly(new Message(null, "hello", null, 4));
  }

  @Test
  void multiLineData_isJoinedWithLineFeed() {
    feed("data: first\ndata: second\ndata:third\n\n", 7);
    assertThat(messages).containsExactly(new Message(null, "first\nsecond\nthird", null, 7));
  }

  @Test
  void crlfAndBareCr_endLines() {
    feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n", 9);
    assertThat(messages).extracting(Message::data).containsExactly("a", "b", "c");
  }

  @Test
  void crlfSplitBetweenReads_countsAsOneLineEnd() {
    feed("data: a\r", 1);
    feed("\ndata: b\r", 2);
    feed("\n\r\n", 3);
    assertThat(messages).containsExactly(new Message(null, "a\nb", null, 3));
  }

  @Test
  void commentsAreNotMessages_butAreKeptOnTheMessageTheyPrecede() {
    feed(": keep-alive\n\n", 1);
    assertThat(messages).isEmpty();
    feed(":note\nevent: error\ndata: boom\n\n", 2);
    assertThat(messages).containsExactly(new Message("error", "boom", "note", 2));
  }

  @Test
  void onlyOneLeadingSpaceIsRemoved() {
    feed("data:  two spaces\n\n", 1);
    assertThat(messages).extracting(Message::data).containsExactly(" two spaces");
  }

  @Test
  void fieldWithoutColon_isAFieldWithEmptyValue() {
    feed("data\n\n", 1);
    assertThat(messages).extracting(Message::data).containsExactly("");
  }

  @Test
  void unknownFieldsAndIdRetry_areIgnored() {
    feed("id: 7\nretry: 10\nfoo: bar\ndata: x\n\n", 1);
    assertThat(messages).containsExactly(new Message(null, "x", null, 1));
  }

  @Test
  void blankBlocks_dispatchNothing() {
    feed("\n\n\n\nid: 3\n\n", 1);
    assertThat(messages).isEmpty();
  }

  @Test
  void trailingMessageWithoutDelimiter_isDeliveredAtFinish() {
    feed("data: [DONE]", 5);
    assertThat(messages).isEmpty();
    framer.finish(6);
    assertThat(messages).containsExactly(new Message(null, "[DONE]", null, 6));
  }

  @Test
  void utf8SplitAcrossReads_isReassembledByteExact() {
    byte[] bytes = "data: héllo €\n\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      framer.feed(new byte[] {bytes[i]}, i);
    }
    assertThat(messages).extracting(Message::data).containsExactly("héllo €");
  }

  @Test
  void longLines_growTheBuffers() {
    String big = "x".repeat(100_000);
    feed("data: " + big + "\n\n", 1);
    assertThat(messages.get(0).data()).isEqualTo(big);
  }

  @Test
  void leadingByteOrderMark_isIgnored() {
    framer.feed(new byte[] {(byte) 0xEF, (byte) 0xBB}, 1);
    framer.feed(new byte[] {(byte) 0xBF}, 1);
    feed("data: x\n\n", 2);
    assertThat(messages).containsExactly(new Message(null, "x", null, 2));
  }

  @Test
  void eventName_isTrimmed() {
    feed("event: error \ndata: boom\n\n", 1);
    assertThat(messages).extracting(Message::event).containsExactly("error");
  }
}
