package io.aiperf.mock.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test (or, for leaks found only after a collection, the test class) during which
 * Netty's leak detector reports a buffer released never. Netty only logs a leak; a log line in a
 * green build is a leak nobody reads.
 *
 * <p>Registered for every test of a module by JUnit's extension autodetection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}), so it loads before any test touches
 * Netty: the buffer classes take their detector from the factory when they are first loaded. Run
 * the tests with {@code -Dio.netty.leakDetection.level=paranoid} so every buffer is tracked.
 */
public final class NettyLeakCheck implements AfterEachCallback, AfterAllCallback {
  private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Recording());
  }

  /** Netty's own detectors, each also telling this check of the leaks it logs. */
  private static final class Recording extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource,
        int samplingInterval, long maxActive) {
      ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
      detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
      return detector;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    failOnLeaks("during " + context.getDisplayName());
  }

  /**
   * Leaks are found when their buffer is collected and reported on a later allocation: collect,
   * then allocate from both allocators so the detectors look.
   */
  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int i = 0; i < 3 && LEAKS.isEmpty(); i++) {
      System.gc();
      Thread.sleep(20);
      ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(8);
      pooled.release();
      ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
      unpooled.release();
    }
    failOnLeaks("in " + context.getDisplayName() + " (found after its tests ran)");
  }

  /** For a test that checks this check: how many leaks are pending, then forgets them. */
  static List<String> drain() {
    List<String> leaks = new ArrayList<>();
    for (String leak; (leak = LEAKS.poll()) != null; ) {
      leaks.add(leak);
    }
    return leaks;
  }

  private static void failOnLeaks(String when) {
    List<String> leaks = drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported " + leaks.size() + " leaked resource(s) " + when
          + " (a buffer never released):\n" + String.join("\n", leaks));
    }
  }
}
