package io.aiperf.api;

import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Plugins;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Entry point: configure a benchmark with {@link #builder()}, then {@link Builder#run()} it.
 *
 * <pre>{@code
 * BenchmarkResult r = Benchmark.builder()
 *     .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("qwen").streaming(true))
 *     .concurrency(64).requestCount(10_000)
 *     .dataset(Datasets.synthetic().inputTokens(550, 0).outputTokens(128, 0).seed(42))
 *     .run();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Benchmark {
  /** System property that names the message bus when the builder does not. */
  public static final String MESSAGE_BUS_PROPERTY = "aiperf.messageBus";

  private Benchmark() {}

  /**
   * Starts a new configuration.
   *
   * @return a builder with AIPerf's defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs a configuration that was built before, and waits for its result.
   *
   * @param config the configuration
   * @return the result
   * @throws BenchmarkFailedException if the run could not complete
   */
  public static BenchmarkResult run(BenchmarkConfig config) {
    return start(config).await();
  }

  /**
   * Starts a configuration that was built before, without waiting.
   *
   * @param config the configuration
   * @return a handle to wait for or cancel the run
   */
  public static BenchmarkRun start(BenchmarkConfig config) {
    Objects.requireNonNull(config, "config");
    BenchmarkEngineProvider engine = Plugins.select(BenchmarkEngineProvider.class, null);
    return engine.start(config);
  }

  /**
   * Mutable builder of an immutable {@link BenchmarkConfig}. Setters reject only {@code null};
   * {@link #build()} checks everything together and reports every problem at once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    EndpointConfig endpoint;
    DatasetConfig dataset = Datasets.synthetic();
    Integer concurrency;
    Integer requestCount;
    Integer workers;
    Integer recordProcessors;
    Path artifactDir;
    List<String> exporters = List.of();
    String messageBus;
    BenchmarkListener listener = BenchmarkListener.NONE;
    Duration startupTimeout = Duration.ofSeconds(60);
    List<String> commandLine = List.of();
    PrintWriter console;

    Builder() {}

    Builder(BenchmarkConfig c) {
      endpoint = c.endpoint();
      dataset = c.dataset();
      concurrency = c.concurrency();
      requestCount = c.requestCount();
      workers = c.explicitWorkers();
      recordProcessors = c.explicitRecordProcessors();
      artifactDir = c.artifactDir().orElse(null);
      exporters = c.exporters();
      messageBus = c.messageBus().orElse(null);
      listener = c.listener();
      startupTimeout = c.startupTimeout();
      commandLine = c.commandLine();
      console = c.console().orElse(null);
    }

    /**
     * Sets the endpoint to benchmark.
     *
     * @param endpoint the endpoint, e.g. from {@link Endpoints#openAiChat(String)}
     * @return this builder
     */
    public Builder endpoint(EndpointConfig endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Sets the inputs to send.
     *
     * @param dataset the dataset, e.g. from {@link Datasets#synthetic()}
     * @return this builder
     */
    public Builder dataset(DatasetConfig dataset) {
      this.dataset = Objects.requireNonNull(dataset, "dataset");
      return this;
    }

    /**
     * Sets how many requests are in flight at once (AIPerf's {@code --concurrency}); default 1.
     *
     * @param concurrency requests in flight, at least 1
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Sets how many requests the run sends (AIPerf's {@code --request-count}); default
     * {@code max(10, 2 × concurrency)}.
     *
     * @param requestCount the number of requests, at least 1
     * @return this builder
     */
    public Builder requestCount(int requestCount) {
      this.requestCount = requestCount;
      return this;
    }

    /**
     * Sets the number of workers (each one Netty event loop); default the CPU count, capped by
     * the concurrency.
     *
     * @param workers the worker count, at least 1
     * @return this builder
     */
    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /**
     * Sets the number of record processors (response parsing and tokenizing); default half the
     * CPU count, at least 1.
     *
     * @param recordProcessors the processor count, at least 1
     * @return this builder
     */
    public Builder recordProcessors(int recordProcessors) {
      this.recordProcessors = recordProcessors;
      return this;
    }

    /**
     * Writes export files to this directory (created if missing). Without it nothing is written.
     *
     * @param artifactDir the directory
     * @return this builder
     */
    public Builder artifactDir(Path artifactDir) {
      this.artifactDir = Objects.requireNonNull(artifactDir, "artifactDir");
      return this;
    }

    /**
     * Chooses the exporters by name, e.g. {@code console} and {@code json}. By default {@code json}
     * runs when an artifact directory is set.
     *
     * @param names exporter names
     * @return this builder
     */
    public Builder exporters(String... names) {
      this.exporters = List.of(names);
      return this;
    }

    /**
     * Chooses the message bus by name; by default the system property
     * {@value Benchmark#MESSAGE_BUS_PROPERTY}, then the available bus with the highest priority.
     *
     * @param name the bus name, e.g. {@code inmemory}
     * @return this builder
     */
    public Builder messageBus(String name) {
      this.messageBus = Objects.requireNonNull(name, "messageBus");
      return this;
    }

    /**
     * Observes the run.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BenchmarkListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Bounds each start-up step (plugin loading, dataset generation, service start); a step that
     * takes longer fails the run with a message naming it. Default 60 seconds.
     *
     * @param timeout the bound
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = Objects.requireNonNull(timeout, "startupTimeout");
      return this;
    }

    /**
     * Sends the console exporter's table here instead of standard output.
     *
     * @param console where the table goes
     * @return this builder
     */
    public Builder console(PrintWriter console) {
      this.console = Objects.requireNonNull(console, "console");
      return this;
    }

    /**
     * Sends the console exporter's table here instead of standard output.
     *
     * @param console where the table goes
     * @return this builder
     */
    public Builder console(PrintStream console) {
      Objects.requireNonNull(console, "console");
      this.console = new PrintWriter(new OutputStreamWriter(console, StandardCharsets.UTF_8), true);
      return this;
    }

    /**
     * Records the command line that produced this configuration, for the exports.
     *
     * @param args the arguments, secrets already redacted
     * @return this builder
     */
    public Builder commandLine(List<String> args) {
      this.commandLine = List.copyOf(args);
      return this;
    }

    /**
     * Validates everything and returns the immutable configuration.
     *
     * @return the configuration
     * @throws InvalidBenchmarkConfigException listing every problem found
     */
    public BenchmarkConfig build() {
      List<String> problems = new ArrayList<>();
      if (endpoint == null) {
        problems.add("endpoint was not set but it is required, e.g. Endpoints.openAiChat(url)");
      } else {
        validateEndpoint(endpoint, problems);
      }
      if (concurrency != null && concurrency < 1) {
        problems.add(fmt("concurrency was '%d' but it must be at least 1", concurrency));
      }
      if (requestCount != null && requestCount < 1) {
        problems.add(fmt("requestCount was '%d' but it must be at least 1", requestCount));
      }
      if (workers != null && workers < 1) {
        problems.add(fmt("workers was '%d' but it must be at least 1", workers));
      }
      if (recordProcessors != null && recordProcessors < 1) {
        problems.add(fmt("recordProcessors was '%d' but it must be at least 1", recordProcessors));
      }
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        problems.add("startupTimeout was '" + startupTimeout + "' but it must be positive");
      }
      if (dataset instanceof SyntheticDataset s) {
        validateSynthetic(s, problems);
      }
      if (!problems.isEmpty()) {
        throw new InvalidBenchmarkConfigException(problems);
      }
      return new BenchmarkConfig(this);
    }

    /**
     * Builds the configuration and runs it, waiting for the result.
     *
     * @return the result
     * @throws InvalidBenchmarkConfigException if the configuration is invalid
     * @throws BenchmarkFailedException if the run could not complete
     */
    public BenchmarkResult run() {
      return Benchmark.run(build());
    }

    /**
     * Builds the configuration and starts it without waiting.
     *
     * @return a handle to wait for or cancel the run
     * @throws InvalidBenchmarkConfigException if the configuration is invalid
     */
    public BenchmarkRun start() {
      return Benchmark.start(build());
    }

    private static void validateEndpoint(EndpointConfig e, List<String> problems) {
      if (e.model().isEmpty() || e.model().get().isBlank()) {
        problems.add("model was not set but it is required (the model name the server serves)");
      }
      Set<String> types = Plugins.names(EndpointProvider.class);
      if (!types.isEmpty() && !types.contains(e.type())) {
        problems.add("endpoint type was '" + e.type() + "' but it must be one of " + types);
      }
      String url = e.url();
      try {
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
          problems.add("url was '" + url + "' but its scheme must be http or https");
        } else if (uri.getHost() == null) {
          problems.add("url was '" + url + "' but it has no host, e.g. http://127.0.0.1:8000");
        }
      } catch (IllegalArgumentException ex) {
        problems.add("url was '" + url + "' but it is not a valid URL: " + ex.getMessage());
      }
      if (e.requestTimeout().isNegative() || e.requestTimeout().isZero()) {
        problems.add("requestTimeout was '" + e.requestTimeout() + "' but it must be positive");
      }
      e.headers().forEach((name, value) -> {
        if (name.isBlank() || !name.chars().allMatch(Builder::isTokenChar)) {
          problems.add("header name was '" + name + "' but it must be a non-empty HTTP token"
              + " (letters, digits and !#$%&'*+-.^_`|~)");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          problems.add("header '" + name + "' value contains a line break, which HTTP forbids");
        }
      });
    }

    private static boolean isTokenChar(int c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static void validateSynthetic(SyntheticDataset s, List<String> problems) {
      if (!(s.inputTokensMean() >= 1)) {
        problems.add(fmt("input tokens mean (isl) was '%s' but it must be at least 1",
            s.inputTokensMean()));
      }
      if (!(s.inputTokensStddev() >= 0)) {
        problems.add(fmt("input tokens stddev (isl-stddev) was '%s' but it must be >= 0",
            s.inputTokensStddev()));
      }
      if (s.outputTokensMean().isPresent() && !(s.outputTokensMean().getAsDouble() >= 1)) {
        problems.add(fmt("output tokens mean (osl) was '%s' but it must be at least 1",
            s.outputTokensMean().getAsDouble()));
      }
      if (!(s.outputTokensStddev() >= 0)) {
        problems.add(fmt("output tokens stddev (osl-stddev) was '%s' but it must be >= 0",
            s.outputTokensStddev()));
      }
      if (s.entries().isPresent() && s.entries().getAsInt() < 1) {
        problems.add(fmt("dataset entries was '%d' but it must be at least 1",
            s.entries().getAsInt()));
      }
    }

    private static String fmt(String format, Object... args) {
      return String.format(Locale.ROOT, format, args);
    }
  }
}
