package io.aiperf.jmh;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** A credit's round trip through the in-memory bus: issue to a worker, return to the timing manager. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BusBenchmarks {
  /** A credit. */
  record Credit(long id) implements BusMessage {}

  /** A returned credit. */
  record Return(long id) implements BusMessage {}

  // JMH calls setup() before any benchmark method, so the field is set whenever it is read.
  @SuppressWarnings("NullAway.Init")
  private MessageBus bus;
  private final AtomicLong returned = new AtomicLong();
  private long next;

  /** Wires a worker that returns each credit at once, as an instant request would. */
  @Setup(Level.Trial)
  public void setup() {
    bus = new InMemoryBusProvider().create(BusConfig.of(1 << 16));
    bus.consume("credits", Runnable::run, m -> bus.send("returns", new Return(((Credit) m).id())));
    bus.consume("returns", Runnable::run, m -> returned.incrementAndGet());
  }

  /** Closes the bus. */
  @TearDown(Level.Trial)
  public void close() {
    bus.close();
  }

  /**
   * Issues one credit and has it returned.
   *
   * @return credits returned so far
   */
  @Benchmark
  public long creditRoundTrip() {
    bus.send("credits", new Credit(next++));
    return returned.get();
  }
}
