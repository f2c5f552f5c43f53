package io.aiperf.jmh;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.api.spi.TransportProvider.HttpTrace;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import io.aiperf.engine.internal.service.Messages;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.ServiceProviders;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record path after the network: a record processor turning one streamed chat answer of 200
 * chunks into metric values (parse, o200k tiktoken count, every core metric), and the records
 * manager taking {@value #RECORDS} such records and computing the run's result. Scores are
 * microseconds per record; {@code -prof gc} adds the bytes allocated per record
 * ({@code gc.alloc.rate.norm}).
 *
 * <p>The processor and the manager are package-private services: they are created through their
 * public {@code ServiceProvider}s and driven by reflection, on the class path the benchmark jar
 * runs on, so the benchmark measures exactly the methods a run calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Thread)
// JMH calls the @Setup methods, which set the fields, before any benchmark or @TearDown method.
@SuppressWarnings("NullAway.Init")
public class RecordBenchmarks {
  static final int CHUNKS = 200;
  static final int RECORDS = 10_000;
  private static final long SECOND = 1_000_000_000L;
  private static final String[] WORDS = {" the", " model", " answers", " with", " a", " token",
      " stream", ",", " one", " chunk", " per", " word", " and", " some", " longer",
      " explanation", " of", " benchmarking", " servers", "."};

  private MessageBus bus;
  private Service processor;
  private MethodHandle process;
  private RawRecord raw;

  /** Starts a record processor and makes the raw record. */
  @Setup(Level.Trial)
  public void setup() throws Throwable {
    bus = new InMemoryBusProvider().create(BusConfig.of(1024));
    processor = processor(bus);
    process = processMethod(processor);
    raw = streamed(0, SECOND, new SplittableRandom(42));
  }

  /** Stops the processor. */
  @TearDown(Level.Trial)
  public void close() {
    processor.stop();
    bus.close();
  }

  /**
   * Turns one raw streamed answer of 200 chunks into a processed record.
   *
   * @return the record
   * @throws Throwable never, in practice: the processor turns failures into error records
   */
  @org.openjdk.jmh.annotations.Benchmark
  public ProcessedRecord processRecord() throws Throwable {
    return (ProcessedRecord) process.invoke(processor, raw);
  }

  /**
   * Hands 10,000 processed records to a records manager that expects that many: the last one
   * closes the export files (when written) and computes the result, as at the end of a run.
   *
   * @param run the records and the invocation's manager
   * @return the manager
   * @throws Throwable never, in practice
   */
  @org.openjdk.jmh.annotations.Benchmark
  @OperationsPerInvocation(RECORDS)
  public Service aggregate(Aggregation run) throws Throwable {
    for (ProcessedRecord r : run.records) {
      run.onRecord.invoke(run.manager, r);
    }
    return run.manager;
  }

  /** {@value #RECORDS} processed records, ten per millisecond, and a records manager for them. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init")
  public static class Aggregation {
    /** Whether the manager writes the per-request JSONL and one-second timeslices. */
    @Param({"false", "true"})
    public boolean files;

    private MessageBus bus;
    private ProcessedRecord[] records;
    private BenchmarkConfig config;
    private @Nullable Path dir;
    private Service manager;
    private MethodHandle onRecord;

    /** Processes the records (spread over ten one-second slices). */
    @Setup(Level.Trial)
    public void setup() throws Throwable {
      bus = new InMemoryBusProvider().create(BusConfig.of(1024));
      Service processor = processor(bus);
      MethodHandle process = processMethod(processor);
      SplittableRandom random = new SplittableRandom(7);
      records = new ProcessedRecord[RECORDS];
      long spacing = 10 * SECOND / RECORDS;
      for (int i = 0; i < RECORDS; i++) {
        records[i] = (ProcessedRecord) process.invoke(processor,
            streamed(i, SECOND + i * spacing, random));
      }
      processor.stop();
      Benchmark.Builder b = Benchmark.builder()
          .endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m").streaming(true))
          .dataset(Datasets.synthetic().inputTokens(550, 0)).requestCount(RECORDS);
      if (files) {
        dir = Files.createTempDirectory("aiperf-jmh-records");
        b.artifactDir(dir).sliceDuration(Duration.ofSeconds(1));
      }
      config = b.build();
    }

    /** A records manager of its own for each invocation: ids are recorded once per run. */
    @Setup(Level.Invocation)
    public void newManager() throws Throwable {
      manager = new ServiceProviders.RecordsManagerProvider().create("records_manager", bus,
          config);
      manager.initialize();
      // What the manager learns from the phase-start and credits-complete events.
      field("profilingStart").setLong(manager, SECOND);
      field("expected").setLong(manager, RECORDS);
      field("firstCreditId").setLong(manager, 0);
      Method m = manager.getClass().getDeclaredMethod("onRecord", ProcessedRecord.class);
      m.setAccessible(true);
      onRecord = MethodHandles.lookup().unreflect(m);
    }

    private Field field(String name) throws NoSuchFieldException {
      Field f = manager.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return f;
    }

    /** Stops the invocation's manager, which must have computed the result. */
    @TearDown(Level.Invocation)
    public void stopManager() throws ReflectiveOperationException {
      boolean finished = field("finished").getBoolean(manager);
      manager.stop();
      if (!finished) {
        throw new IllegalStateException("the records manager did not finish the run");
      }
    }

    /** Removes the export files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
      bus.close();
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  private static Service processor(MessageBus bus) throws Exception {
    BenchmarkConfig config = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:1").model("m").streaming(true))
        .dataset(Datasets.synthetic().inputTokens(550, 0).tokenizer("o200k_base"))
        .requestCount(RECORDS).build();
    Service processor = new ServiceProviders.RecordProcessorProvider()
        .create("record_processor_0", bus, config);
    processor.initialize();
    return processor;
  }

  private static MethodHandle processMethod(Service processor) throws ReflectiveOperationException {
    Method m = processor.getClass().getDeclaredMethod("process", RawRecord.class);
    m.setAccessible(true);
    return MethodHandles.lookup().unreflect(m);
  }

  /** A streamed chat answer: 200 one-word chunks about 1 ms apart, a stop chunk and [DONE]. */
  static RawRecord streamed(long creditId, long start, SplittableRandom random) {
    int n = CHUNKS + 2;
    long[] nanos = new long[n];
    byte[][] data = new byte[n][];
    long t = start + 15_000_000 + random.nextLong(10_000_000);
    for (int i = 0; i < CHUNKS; i++) {
      t += 500_000 + random.nextLong(1_000_000);
      nanos[i] = t;
      data[i] = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
          + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
          + WORDS[random.nextInt(WORDS.length)] + "\"},\"finish_reason\":null}]}")
          .getBytes(StandardCharsets.UTF_8);
    }
    nanos[CHUNKS] = t + 100_000;
    data[CHUNKS] = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
        .getBytes(StandardCharsets.UTF_8);
    nanos[CHUNKS + 1] = t + 120_000;
    data[CHUNKS + 1] = "[DONE]".getBytes(StandardCharsets.UTF_8);
    return RawRecord.builder()
        .credit(creditId, Messages.Phase.PROFILING, (int) creditId, 0, start - 50_000,
            start - 100_000)
        .worker("worker_0").ids("req-" + creditId, "corr-" + creditId).inputTokens(550)
        .requestedOutputTokens(200).streaming(true).sent(start, 0, true)
        .end(t + 130_000).trace(new HttpTrace(0, 0, 0, 20_000, t - start, 130_000, true, 2_400,
            40_000, CHUNKS / 4, 0, 1))
        .status(200, "text/event-stream")
        .stream(nanos, new String[n], data, new String[n], n).build();
  }
}
