package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.DatasetConfig;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.cli.config.Origin;
import io.aiperf.mock.MockLlmServer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf profile}: runs one benchmark with AIPerf's flag names, prints AIPerf's table and
 * writes the export files.
 *
 * <p>The flags live in one class per AIPerf help section; each checks its own flags and configures
 * its part of the endpoint, the dataset or the benchmark. This class only runs them in order: all
 * flag problems are reported together, then the benchmark is built, run and turned into an exit
 * code.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark an endpoint. Use --url mock to run against an embedded mock LLM server.")
final class ProfileCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ProfileCommand.class);

  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @ArgGroup(validate = false, heading = "%nEndpoint:%n", order = 1)
  EndpointOptions endpoint = new EndpointOptions();

  @ArgGroup(validate = false, heading = "%nTokenizer:%n", order = 2)
  TokenizerOptions tokenizer = new TokenizerOptions();

  @ArgGroup(validate = false, heading = "%nInput:%n", order = 3)
  InputOptions input = new InputOptions();

  @ArgGroup(validate = false, heading = "%nFixed Schedule:%n", order = 4)
  FixedScheduleOptions fixedSchedule = new FixedScheduleOptions();

  @ArgGroup(validate = false, heading = "%nGoodput:%n", order = 5)
  GoodputOptions goodput = new GoodputOptions();

  @ArgGroup(validate = false, heading = "%nConversation Input:%n", order = 6)
  ConversationOptions conversation = new ConversationOptions();

  @ArgGroup(validate = false, heading = "%nPrompt, ISL and OSL:%n", order = 7)
  PromptOptions prompt = new PromptOptions();

  @ArgGroup(validate = false, heading = "%nAudio Input:%n", order = 8)
  AudioOptions audio = new AudioOptions();

  @ArgGroup(validate = false, heading = "%nImage Input:%n", order = 9)
  ImageOptions image = new ImageOptions();

  @ArgGroup(validate = false, heading = "%nLoad Generator:%n", order = 10)
  LoadGeneratorOptions load = new LoadGeneratorOptions();

  @ArgGroup(validate = false, heading = "%nWarmup:%n", order = 11)
  WarmupOptions warmup = new WarmupOptions();

  @ArgGroup(validate = false, heading = "%nUser Centric:%n", order = 12)
  UserCentricOptions userCentric = new UserCentricOptions();

  @ArgGroup(validate = false, heading = "%nRequest Cancellation:%n", order = 13)
  CancellationOptions cancellation = new CancellationOptions();

  @ArgGroup(validate = false, heading = "%nOutput:%n", order = 14)
  OutputOptions output = new OutputOptions();

  @ArgGroup(validate = false, heading = "%nUI:%n", order = 15)
  UiOptions ui = new UiOptions();

  @ArgGroup(validate = false, heading = "%nService:%n", order = 16)
  ServiceOptions service = new ServiceOptions();

  @ArgGroup(validate = false, heading = "%nWorkers:%n", order = 17)
  WorkersOptions workers = new WorkersOptions();

  @ArgGroup(validate = false, heading = "%nMessage Bus and ZMQ:%n", order = 18)
  BusOptions bus = new BusOptions();

  @ArgGroup(validate = false, heading = "%nMock Server (--url mock):%n", order = 19)
  MockOptions mock = new MockOptions();

  @ArgGroup(validate = false, heading = "%nServer Metrics:%n", order = 20)
  ServerMetricsOptions serverMetrics = new ServerMetricsOptions();

  @ArgGroup(validate = false, heading = "%nGPU Telemetry:%n", order = 21)
  GpuTelemetryOptions gpuTelemetry = new GpuTelemetryOptions();

  @ArgGroup(validate = false, heading = "%nMulti-Run, Sweeps and Search:%n", order = 22)
  SweepOptions sweep = new SweepOptions();

  /** Set on the second run of a {@code --config} profile: which flags the file set, and where. */
  @Nullable Map<String, Origin> fileOrigins;
  /** The user's own arguments, recorded as the run's command line instead of the merged ones. */
  @Nullable List<String> recordedArgs;
  /** {@code aiperf config validate}: check everything a run would, then stop before running. */
  boolean validateOnly;

  @Override
  public Integer call() {
    if (input.configFile != null && fileOrigins == null) {
      return ConfigRun.profile(this, input.configFile);
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    checkRequiredOptions();
    // The problems are reported in this order, as they always were.
    List<String> problems = new ArrayList<>();
    sweep.applyVariants(load, prompt, problems);
    ui.validate(problems);
    endpoint.validateTimeout(problems);
    input.parseHeaders(problems);
    goodput.parseSlos(problems);
    input.parseExtraInputs(problems);
    endpoint.validateModelsAndUrls(problems);
    tokenizer.validate(problems, endpoint.firstModel(), err);
    service.validate(problems);
    serverMetrics.validate(problems);
    gpuTelemetry.validate(problems);
    sweep.validate(problems);
    if (fixedSchedule.noFixedSchedule && fixedSchedule.fixedSchedule) {
      problems.add("--no-fixed-schedule and --fixed-schedule were both given but only one of"
          + " them can be");
    }
    input.ignoreTimestamps = fixedSchedule.noFixedSchedule;
    DatasetConfig chosen = dataset(problems);
    if (chosen == null || !problems.isEmpty()) { // no dataset comes with a problem
      return usageError(err, problems);
    }

    @Nullable MockLlmServer server = null;
    try {
      if (endpoint.mock() && !validateOnly) {
        try {
          server = mock.start(load.realtimeIo);
        } catch (IllegalArgumentException e) {
          return usageError(err, List.of(e.getMessage()));
        }
        err.println("Started the embedded mock LLM server at " + server.baseUrl());
        err.flush();
      }
      EndpointConfig endpointConfig = input.configure(endpoint.endpoint(server != null
          ? server.baseUrl() : endpoint.mock() ? "http://127.0.0.1:9" : null));
      // The parse result's original arguments start with the subcommand name.
      List<String> commandLine = CommandLineSecrets.redact(recordedArgs != null ? recordedArgs
          : spec.commandLine().getParseResult().originalArgs(), endpointConfig);
      Benchmark.Builder builder = Benchmark.builder().endpoint(endpointConfig).dataset(chosen)
          .exporters("console", "json", "csv")
          .console(out)
          .commandLine(commandLine);
      workers.configure(builder);
      output.configure(builder, problems);
      fixedSchedule.configure(builder);
      conversation.configure(builder);
      goodput.configure(builder, problems);
      userCentric.configure(builder);
      load.configure(builder, problems);
      service.configure(builder, problems);
      endpoint.configure(builder);
      warmup.configure(builder, problems);
      load.configureRamps(builder, problems);
      cancellation.configure(builder, problems);
      bus.configure(builder, problems);
      serverMetrics.configure(builder);
      gpuTelemetry.configure(builder, server);
      builder.artifactDir(output.artifactDir(endpoint, fixedSchedule, userCentric, load));
      ui.configure(builder, err, bus.remoteWorkers());
      BenchmarkConfig config;
      try {
        config = builder.build();
      } catch (InvalidBenchmarkConfigException e) {
        // Flag-level and configuration-level problems together, so one run shows them all.
        problems.addAll(e.problems());
        return usageError(err, problems);
      }
      if (!problems.isEmpty()) {
        return usageError(err, problems);
      }
      if (validateOnly) {
        return 0;
      }
      String notReady = endpoint.awaitModel(config.endpoint(), err);
      if (notReady != null) {
        err.println("Error: the endpoint is not ready: " + notReady
            + " (--wait-for-model-timeout)");
        return AiperfCommand.EXIT_FAILED;
      }
      if (load.failedRequestThreshold != null && sweep.runsMany(load, prompt)) {
        return usageError(err, List.of("--failed-request-threshold was given but it watches a"
            + " single run; repeated runs, sweeps and searches do not take it"));
      }
      Integer many = sweep.run(config, load, prompt, goodput, err);
      if (many != null) {
        return many;
      }
      return run(config, err);
    } catch (InvalidBenchmarkConfigException e) {
      return usageError(err, e.problems());
    } catch (BenchmarkFailedException e) {
      err.println("Error: " + e.getMessage());
      e.partialResult().ifPresent(r -> err.println("Results measured before the failure were"
          + " exported" + r.artifactDir().map(d -> " to " + d.toAbsolutePath()).orElse("") + "."));
      return AiperfCommand.EXIT_FAILED;
    } catch (RuntimeException e) {
      err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return AiperfCommand.EXIT_FAILED;
    } finally {
      if (server != null) {
        server.close();
      }
      out.flush();
      err.flush();
    }
  }

  /**
   * Picocli leaves the options of groups that it does not validate unchecked, required ones too;
   * this reports a missing one as its parser does, as a usage error before anything runs.
   */
  private void checkRequiredOptions() {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<ArgSpec> missing = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.required() && !parsed.hasMatchedOption(o)) {
        missing.add(o);
        names.add("'" + o.longestName() + "=" + o.paramLabel() + "'");
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingParameterException(spec.commandLine(), missing, "Missing required option"
          + (missing.size() == 1 ? "" : "s") + ": " + String.join(", ", names));
    }
  }

  /** The dataset the input flags choose, with each other group's part; problems are added. */
  private @Nullable DatasetConfig dataset(List<String> problems) {
    return input.dataset(tokenizer.name(),
        conversation::configure,
        f -> conversation.configure(prompt.configure(f)),
        d -> audio.configure(image.configure(prompt.configure(conversation.configure(d,
            load.requestCount)))),
        problems);
  }

  /** Runs the benchmark to its end, or to an interrupt, and checks the --slo flags. */
  private int run(BenchmarkConfig config, PrintWriter err) {
    LogLevel logLevel = LogLevel.apply(service.logLevel());
    RunLog runLog = RunLog.open(config.artifactDir().orElseThrow());
    // The dashboard takes the screen before the run starts, so that start-up lines go to it.
    io.aiperf.cli.dashboard.Dashboard dashboard = ui.dashboard();
    PrintWriter messages = err;
    if (dashboard != null) {
      dashboard.open();
      messages = dashboard.messages();
    }
    try {
      return run(config, err, messages, dashboard, runLog);
    } finally {
      if (dashboard != null) {
        dashboard.close(); // the terminal is restored whatever happened
      }
      logLevel.close();
    }
  }

  private int run(BenchmarkConfig config, PrintWriter err, PrintWriter messages,
      io.aiperf.cli.dashboard.@Nullable Dashboard dashboard, RunLog runLog) {
    log.info("aiperf-java profile: {}", config);
    FailedRequestGuard guard = load.failedRequestThreshold == null ? null
        : FailedRequestGuard.around(config, load.failedRequestThreshold);
    if (guard != null) {
      config = config.toBuilder().listener(guard).build();
    }
    BenchmarkRun run = Benchmark.start(config);
    if (guard != null) {
      guard.attach(run);
    }
    // SIGTERM: stop issuing, let in-flight requests end and the exports be written, bounded.
    // SIGINT goes to the interrupt handler, which a second Ctrl-C can hurry.
    InterruptHandler interrupts = dashboard == null ? InterruptHandler.install(run, err)
        : InterruptHandler.install(run, messages, dashboard::interrupted, dashboard::close);
    Thread hook = new Thread(() -> {
      run.cancel();
      try {
        run.result().get(60, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Exiting anyway; what was written stays written.
      }
    }, "aiperf-sigint");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      BenchmarkResult result = run.await();
      var slos = goodput.slos();
      var broken = result.check(slos);
      for (var v : broken) {
        err.println("SLO broken: " + v.message());
      }
      if (!slos.isEmpty() && broken.isEmpty()) {
        err.println("All " + slos.size() + " SLOs hold.");
      }
      if (output.autoPlot) {
        ReportCommand.autoPlot(config.artifactDir().orElseThrow(),
            spec.commandLine().getOut(), err);
      }
      if (interrupts.interrupted()) {
        return InterruptHandler.EXIT_INTERRUPTED;
      }
      String tripped = guard == null ? null : guard.tripped();
      if (tripped != null) {
        err.println("Error: " + tripped + "; what was measured is in "
            + config.artifactDir().map(d -> d.toAbsolutePath().toString()).orElse("?"));
        return AiperfCommand.EXIT_FAILED;
      }
      return broken.isEmpty() ? 0 : AiperfCommand.EXIT_SLO;
    } finally {
      interrupts.close();
      runLog.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting; the hook is running or ran.
      }
    }
  }

  private int usageError(PrintWriter err, List<String> problems) {
    for (String p : problems) {
      err.println("Error: " + ConfigRun.annotate(p, fileOrigins));
    }
    err.println("Run 'aiperf profile --help' for the options.");
    err.flush();
    return AiperfCommand.EXIT_USAGE;
  }
}
