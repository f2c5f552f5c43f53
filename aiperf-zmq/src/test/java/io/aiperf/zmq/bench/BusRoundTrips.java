package io.aiperf.zmq.bench;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Credits and records per second over the in-memory bus and the ZMQ bus (in one JVM through the
 * hub, and from a client over tcp loopback, as a worker process would). A credit round trip is
 * what the timing manager and a worker do per request: a {@code Credit} out on a channel, a
 * {@code CreditReturn} back. A record is a one-way 2 KiB message, like a raw record to a record
 * processor. Indicative numbers, not a JMH run: 2 s warm-up, then 5 s measured, per case.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -B -q -pl aiperf-zmq test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "aiperf-zmq/target/test-classes:aiperf-zmq/target/classes:$(cat aiperf-zmq/target/cp.txt)" \
 *     io.aiperf.zmq.bench.BusRoundTrips
 * </pre>
 */
public final class BusRoundTrips {
  record Credit(long id, int phase, long session, long issuedNanos) implements BusMessage {}

  record CreditReturn(long id, int phase, String workerId) implements BusMessage {}

  record Record(long id, byte[] body) implements BusMessage {}

  private static final int IN_FLIGHT = 64; // like --concurrency 64
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private BusRoundTrips() {}

  /**
   * Runs every case and prints a table.
   *
   * @param args optional: seconds to measure per case, then a word the bus names must contain
   *     (e.g. {@code tcp}) to run only those cases
   * @throws Exception if a case fails
   */
  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
    System.out.printf(Locale.ROOT, "%-28s %16s %16s%n", "bus", "credits/s", "records/s");
    String only = args.length > 1 ? args[1] : "";
    for (String bus : new String[] {"inmemory", "zmq (hub, same JVM)", "zmq (client over tcp)"}) {
      if (!bus.contains(only)) {
        continue;
      }
      double credits = measure(bus, seconds, false);
      double records = measure(bus, seconds, true);
      System.out.printf(Locale.ROOT, "%-28s %,16.0f %,16.0f%n", bus, credits, records);
    }
  }

  private static double measure(String kind, long seconds, boolean records) throws Exception {
    MessageBus hub;
    MessageBus worker;
    if (kind.equals("inmemory")) {
      hub = new InMemoryBusProvider().create(BusConfig.of(1024));
      worker = hub;
    } else {
      ZmqMessageBus zmqHub = ZmqBus.hub(ZmqBusOptions.builder().channelCapacity(1024).build());
      hub = zmqHub;
      worker = kind.contains("tcp") ? ZmqBus.connect(zmqHub.address(),
          ZmqBusOptions.builder().channelCapacity(1024).build()) : zmqHub;
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicLong done = new AtomicLong();
    Semaphore window = new Semaphore(IN_FLIGHT);
    try {
      if (records) {
        // Worker to records manager, one way; the channel capacity is the only brake.
        hub.consume("records", pool, m -> done.incrementAndGet());
      } else {
        worker.consume("credits", Runnable::run, m -> {
          Credit c = (Credit) m;
          try {
            worker.send("credit-returns", new CreditReturn(c.id(), c.phase(), "worker-0"));
          } catch (IllegalStateException closing) {
            // the case is over
          }
        });
        hub.consume("credit-returns", Runnable::run, m -> {
          done.incrementAndGet();
          window.release();
        });
      }
      MessageBus sender = records ? worker : hub;
      byte[] body = new byte[2048];
      Thread issuer = new Thread(() -> {
        long id = 0;
        try {
          while (!Thread.currentThread().isInterrupted()) {
            if (records) {
              sender.send("records", new Record(id++, body));
            } else {
              window.acquire();
              sender.send("credits", id, new Credit(id, 1, id, System.nanoTime()));
              id++;
            }
          }
        } catch (InterruptedException | IllegalStateException e) {
          // stopped
        }
      }, "issuer");
      issuer.start();
      Thread.sleep(2_000);
      long start = done.get();
      long t0 = System.nanoTime();
      long cpu0 = OS.getProcessCpuTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long n = done.get() - start;
      double rate = n / ((System.nanoTime() - t0) / 1e9);
      // CPU per operation tells cost from waiting apart on a shared, noisy machine.
      System.err.printf(Locale.ROOT, "  %s %s: %.1f us CPU per operation%n", kind,
          records ? "records" : "credits", (OS.getProcessCpuTime() - cpu0) / 1e3 / Math.max(1, n));
      issuer.interrupt();
      window.release(1 << 20);
      issuer.join(5_000);
      return rate;
    } finally {
      if (worker != hub) {
        worker.close();
      }
      hub.close();
      pool.shutdownNow();
    }
  }
}
