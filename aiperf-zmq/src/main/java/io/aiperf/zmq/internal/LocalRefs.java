package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusMessage;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Messages that cannot be encoded (e.g. {@code ProfileResults}, which holds the whole benchmark
 * configuration with its listener) still have to reach subscribers in the same JVM: the
 * controller publishes its result to itself. They are kept here and sent as a (JVM, id) pair;
 * another JVM cannot resolve it and says so. The number of local recipients is not known when
 * the message is sent, so entries expire after {@link #TTL_NANOS} instead of being counted down;
 * such messages are rare (one per run), so the table stays tiny.
 */
final class LocalRefs {
  /** This JVM's identity in reference frames. */
  static final long JVM = new SecureRandom().nextLong();
  static final long TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

  private record Entry(BusMessage message, long expiresNanos) {}

  private static final Map<Long, Entry> REFS = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong();

  private LocalRefs() {}

  static long put(BusMessage message) {
    long now = Ticks.nanos();
    for (Iterator<Entry> it = REFS.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresNanos - now < 0) {
        it.remove();
      }
    }
    long id = NEXT.incrementAndGet();
    REFS.put(id, new Entry(message, now + TTL_NANOS));
    return id;
  }

  static @Nullable BusMessage get(long id) {
    Entry e = REFS.get(id);
    return e == null ? null : e.message;
  }
}
