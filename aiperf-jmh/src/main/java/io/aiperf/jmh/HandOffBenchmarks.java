package io.aiperf.jmh;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.bus.Handoff;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What ending a request costs the event loop that read it, for a burst of {@link #BATCH} ended
 * streamed responses (64 chunks each): the time on the benchmark thread, which plays the loop,
 * per request. Downstream is the same in both: a record processor on a single-thread executor,
 * and a credit-return consumer that runs on the sender's thread, as the timing manager's does.
 *
 * <ul>
 *   <li>{@link #sendOnTheLoop}: as the worker did before: the loop copies the record's arrays and
 *       makes two bus sends (semaphore, executor queue, the return's handler).
 *   <li>{@link #offerToHandoff}: as it does now: the loop offers the ended request to the
 *       worker's {@link Handoff}, whose thread does all of the above.
 * </ul>
 *
 * <p>Between bursts (untimed) the downstream drains, so each burst starts with idle consumers
 * that must be woken, as at a moderate load.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Thread)
// JMH calls setup() before any benchmark method, so the fields are set whenever they are read.
@SuppressWarnings("NullAway.Init")
public class HandOffBenchmarks {
  /** Requests ending in one burst. */
  static final int BATCH = 256;
  private static final int CHUNKS = 64;

  /** The raw record of a streamed response. */
  record Raw(long id, long[] nanos, byte[][] data) implements BusMessage {}

  /** A credit return. */
  record Return(long id) implements BusMessage {}

  /**
   * The benchmark thread's own CPU time per request, next to its wall time: on two cores the
   * three threads of a burst (loop, hand-off, processor) take turns, and the wall time of the
   * loop then includes the time the scheduler gave the others.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class LoopCpu {
    /** CPU nanoseconds of the loop thread in the timed bursts. */
    public long loopCpuNanos;
    /** Requests ended in the timed bursts. */
    public long loopRequests;

    /** Starts counting each iteration afresh. */
    @Setup(Level.Iteration)
    public void reset() {
      loopCpuNanos = 0;
      loopRequests = 0;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** An ended request as the recorder holds it: arrays sized for growth, a count. */
  static final class Ended {
    final long id;
    final long[] nanos = new long[CHUNKS * 2];
    final byte[][] data = new byte[CHUNKS * 2][];

    Ended(long id, byte[] chunk) {
      this.id = id;
      for (int i = 0; i < CHUNKS; i++) {
        nanos[i] = i;
        data[i] = chunk;
      }
    }
  }

  private MessageBus bus;
  private ExecutorService processor;
  private Handoff<Ended> handoff;
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();
  private long sent;
  private Ended[] ended;

  /** Wires the downstream and the hand-off. */
  @Setup(Level.Trial)
  public void setup() {
    bus = new InMemoryBusProvider().create(BusConfig.of(1 << 16));
    processor = Executors.newSingleThreadExecutor();
    bus.consume("raw-records", processor, m -> processed.incrementAndGet());
    bus.consume("credit-returns", Runnable::run, m -> settled.incrementAndGet());
    handoff = new Handoff<>("aiperf-handoff-bench", Long.MAX_VALUE, e -> 1, this::passOn);
    byte[] chunk = new byte[40];
    ended = new Ended[BATCH];
    for (int i = 0; i < BATCH; i++) {
      ended[i] = new Ended(i, chunk);
    }
  }

  /** Untimed: lets the downstream finish the last burst, so bursts do not pile up. */
  @Setup(Level.Invocation)
  public void awaitQuiet() {
    while (processed.get() < sent || settled.get() < sent) {
      Thread.onSpinWait();
    }
  }

  /** Stops the threads. */
  @TearDown(Level.Trial)
  public void close() {
    handoff.close();
    bus.close();
    processor.shutdownNow();
  }

  /** What the worker's loop did when a request ended, before the hand-off. */
  private void passOn(Ended e) {
    bus.send("raw-records", new Raw(e.id, Arrays.copyOf(e.nanos, CHUNKS),
        Arrays.copyOf(e.data, CHUNKS)));
    bus.send("credit-returns", new Return(e.id));
  }

  /**
   * The loop builds and sends each record and return itself.
   *
   * @param cpu the loop thread's CPU time
   * @return requests sent so far
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long sendOnTheLoop(LoopCpu cpu) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (Ended e : ended) {
      passOn(e);
    }
    cpu.loopCpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.loopRequests += BATCH;
    return sent += BATCH;
  }

  /**
   * The loop offers each ended request to the hand-off thread.
   *
   * @param cpu the loop thread's CPU time
   * @return requests sent so far
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long offerToHandoff(LoopCpu cpu) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (Ended e : ended) {
      handoff.offer(e);
    }
    cpu.loopCpuNanos += THREADS.getCurrentThreadCpuTime() - start;
    cpu.loopRequests += BATCH;
    return sent += BATCH;
  }
}
