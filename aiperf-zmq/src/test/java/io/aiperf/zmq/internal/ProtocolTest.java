package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ProtocolTest {
  @Test
  void batch_keepsMessagesAndFieldsInOrder_includingEmptyAndLargeFields() {
    Protocol.Batch batch = new Protocol.Batch();
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 7);
    batch.add(Protocol.op(Protocol.SEND), Protocol.utf8("credits"), Protocol.EMPTY, big);
    batch.add(Protocol.op(Protocol.ACK), Protocol.utf8("c"), Protocol.intBytes(3));
    byte[] frame = batch.take();
    assertThat(batch.isEmpty()).isTrue();

    List<List<byte[]>> messages = new ArrayList<>();
    int offset = 0;
    while (offset < frame.length) {
      List<byte[]> m = new ArrayList<>();
      offset = Protocol.unpack(frame, offset, m);
      messages.add(m);
    }
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0)).hasSize(4);
    assertThat(messages.get(0).get(0)).containsExactly(Protocol.SEND);
    assertThat(Protocol.string(messages.get(0).get(1))).isEqualTo("credits");
    assertThat(messages.get(0).get(2)).isEmpty();
    assertThat(messages.get(0).get(3)).isEqualTo(big);
    assertThat(Protocol.asInt(messages.get(1).get(2))).isEqualTo(3);
  }

  @Test
  void unpack_refusesTruncatedBatches() {
    Protocol.Batch batch = new Protocol.Batch();
    batch.add(Protocol.op(Protocol.PUB), Protocol.utf8("types"), new byte[10]);
    byte[] frame = batch.take();
    byte[] cut = Arrays.copyOf(frame, frame.length - 3);
    assertThatThrownBy(() -> Protocol.unpack(cut, 0, new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Malformed batch");
  }
}
