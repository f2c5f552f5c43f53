package io.aiperf.mock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check hears a leak Netty reports, so it can fail the test it happened in. */
final class NettyLeakCheckTest {
  @Test
  void aBufferNeverReleased_isHeard() throws Exception {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    leak();
    List<String> heard = new ArrayList<>();
    // A leak is seen once its buffer is collected, on a later allocation.
    for (int i = 0; i < 50 && heard.isEmpty(); i++) {
      System.gc();
      Thread.sleep(20);
      UnpooledByteBufAllocator.DEFAULT.directBuffer(8).release();
      heard.addAll(NettyLeakCheck.drain()); // drained, so this test itself passes
    }
    assertThat(heard).isNotEmpty().first().asString().contains("ByteBuf")
        .contains("leakedHere");
  }

  private static void leak() {
    ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
    b.touch("leakedHere");
    b.writeByte(1);
  }
}
