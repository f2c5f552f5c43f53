package io.aiperf.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.mock.MockLlmServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code aiperf profile}: runs one benchmark with AIPerf's flag names, prints AIPerf's table and
 * writes the export files.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark an endpoint. Use --url mock to run against an embedded mock LLM server.")
final class ProfileCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(
      ProfileCommand.class);

  @Spec CommandSpec spec;

  @Option(names = {"-m", "--model", "--model-names"}, required = true, split = ",",
      description = "Model name sent in requests; several (comma-separated or repeated) are"
          + " spread over the dataset entries by --model-selection-strategy.")
  List<String> models = new ArrayList<>();

  /** The first model: names the artifact directory. */
  private String model;

  @Option(names = "--model-selection-strategy", defaultValue = "round_robin",
      description = "How entries get their model when several are given: round_robin or random"
          + " (default ${DEFAULT-VALUE}).")
  String modelSelectionStrategy;

  @Option(names = {"-u", "--url"}, split = ",",
      description = "Server base URL (default localhost:8000; http:// is added if missing;"
          + " h2c://host:port speaks HTTP/2 without TLS, many streams per connection);"
          + " repeat it, or separate with commas, to spread conversations over several servers"
          + " in turn. 'mock' starts an embedded mock LLM server on a free loopback port.")
  List<String> urls = new ArrayList<>();

  /** The first server: the one most settings and messages name. */
  String url;

  @Option(names = "--endpoint-type", defaultValue = "chat",
      description = "API format: chat, completions, embeddings, nim_rankings, cohere_rankings,"
          + " hf_tei_rankings, huggingface_generate, responses, messages or template"
          + " (default ${DEFAULT-VALUE}); 'aiperf plugins' lists all.")
  String endpointType;

  @Option(names = {"--custom-endpoint", "--endpoint"},
      description = "Request path instead of the endpoint type's default.")
  String customEndpoint;

  @Option(names = "--streaming", description = "Ask for a streamed response (SSE).")
  boolean streaming;

  @Option(names = "--use-server-token-count",
      description = "Take input and output token counts from the server's usage block.")
  boolean useServerTokenCount;

  @Option(names = "--concurrency", description = "Requests in flight at once (default 1).")
  Integer concurrency;

  @Option(names = {"--request-count", "--num-requests"},
      description = "Requests to send (default max(10, 2 x concurrency)).")
  Integer requestCount;

  @Option(names = "--request-rate",
      description = "Mean requests per second (open loop); --concurrency becomes a ceiling.")
  Double requestRate;

  @Option(names = "--arrival-pattern",
      description = "Spacing at a request rate: constant, poisson or gamma (default poisson).")
  String arrivalPattern;

  @Option(names = "--arrival-smoothness",
      description = "Gamma shape k (vLLM --burstiness): 1 Poisson, <1 burstier, >1 smoother.")
  Double arrivalSmoothness;

  @Option(names = "--prefill-concurrency",
      description = "Cap on requests waiting for their first token (streaming only).")
  Integer prefillConcurrency;

  @Option(names = "--benchmark-duration",
      description = "Stop issuing after this many seconds.")
  Double benchmarkDuration;

  @Option(names = "--benchmark-grace-period",
      description = "Seconds in-flight requests may finish after --benchmark-duration (default 30);"
          + " the rest are cancelled and counted.")
  Double gracePeriod;

  @Option(names = "--warmup-request-count", description = "Warmup requests, discarded.")
  Integer warmupRequestCount;

  @Option(names = "--warmup-duration", description = "Warmup seconds, discarded.")
  Double warmupDuration;

  @Option(names = "--warmup-concurrency", description = "Concurrency during warmup (default: the profiling one).")
  Integer warmupConcurrency;

  @Option(names = "--warmup-request-rate", description = "Request rate during warmup (default: the profiling one).")
  Double warmupRequestRate;

  @Option(names = "--concurrency-ramp-duration",
      description = "Seconds to raise the concurrency linearly from 1 to its target.")
  Double concurrencyRampDuration;

  @Option(names = "--request-rate-ramp-duration",
      description = "Seconds to raise the request rate linearly to its target.")
  Double requestRateRampDuration;

  @Option(names = "--request-cancellation-rate",
      description = "Percent of requests to cancel (error code 499).")
  Double cancellationRate;

  @Option(names = "--request-cancellation-delay", defaultValue = "0",
      description = "Seconds after a request is fully sent before it is cancelled (default ${DEFAULT-VALUE}).")
  double cancellationDelay;

  @Option(names = "--input-file", description = "JSONL dataset (see --custom-dataset-type).")
  Path inputFile;

  @Option(names = "--custom-dataset-type", defaultValue = "single_turn",
      description = "Format of --input-file: single_turn, multi_turn, random_pool (a file or a"
          + " directory of pools), mooncake_trace or bailian_trace (default ${DEFAULT-VALUE}).")
  String customDatasetType;

  @Option(names = "--public-dataset",
      description = "A public dataset read from a local file (--public-dataset-file): sharegpt.")
  String publicDataset;

  @Option(names = "--public-dataset-file",
      description = "Local copy of the --public-dataset file (never downloaded), e.g."
          + " ShareGPT_V3_unfiltered_cleaned_split.json.")
  Path publicDatasetFile;

  @Option(names = "--isl-block-size",
      description = "Tokens per trace hash_ids block (default 512 for mooncake_trace, 16 for"
          + " bailian_trace).")
  Integer islBlockSize;

  @Option(names = "--dataset-sampling-strategy",
      description = "Entry order: sequential (files' default), shuffle (synthetic default) or"
          + " random (with replacement).")
  String samplingStrategy;

  @Option(names = {"--seq-dist", "--sequence-distribution"},
      description = "ISL/OSL mixture, e.g. \"256,128:40;1024|100,512:60\" (percentages).")
  String seqDist;

  @Option(names = {"--num-prefix-prompts", "--prefix-prompt-pool-size"},
      description = "Prefix prompts in the pool, one prepended to each first turn.")
  Integer numPrefixPrompts;

  @Option(names = "--prefix-prompt-length", description = "Tokens per prefix prompt.")
  Integer prefixPromptLength;

  @Option(names = "--shared-system-prompt-length",
      description = "Tokens of one system prompt sent before every conversation.")
  Integer sharedSystemPromptLength;

  @Option(names = {"-b", "--batch-size", "--batch-size-text"},
      description = "Texts per request (embeddings, rankings, completions; default 1).")
  Integer batchSize;

  @Option(names = "--image-width-mean", description = "Synthetic image width in pixels.")
  Double imageWidthMean;

  @Option(names = "--image-width-stddev", defaultValue = "0", description = "Image width stddev.")
  double imageWidthStddev;

  @Option(names = "--image-height-mean", description = "Synthetic image height in pixels.")
  Double imageHeightMean;

  @Option(names = "--image-height-stddev", defaultValue = "0",
      description = "Image height stddev.")
  double imageHeightStddev;

  @Option(names = "--image-format", defaultValue = "png",
      description = "png or jpeg (default ${DEFAULT-VALUE}).")
  String imageFormat;

  @Option(names = {"--image-batch-size", "--batch-size-image"}, defaultValue = "1",
      description = "Images per request (default ${DEFAULT-VALUE}).")
  int imageBatchSize;

  @Option(names = "--audio-length-mean", defaultValue = "0",
      description = "Synthetic audio clip length in seconds (0 = no audio).")
  double audioLengthMean;

  @Option(names = "--audio-length-stddev", defaultValue = "0",
      description = "Audio length stddev in seconds.")
  double audioLengthStddev;

  @Option(names = "--audio-format", defaultValue = "wav",
      description = "Audio file format: wav (default ${DEFAULT-VALUE}).")
  String audioFormat;

  @Option(names = "--audio-sample-rates", split = ",", defaultValue = "16",
      description = "Sample rates in kHz drawn per clip (default ${DEFAULT-VALUE}).")
  List<Double> audioSampleRates;

  @Option(names = "--audio-depths", split = ",", defaultValue = "16",
      description = "Bit depths drawn per clip: 8, 16, 24, 32 (default ${DEFAULT-VALUE}).")
  List<Integer> audioDepths;

  @Option(names = "--audio-num-channels", defaultValue = "1",
      description = "1 (mono) or 2 (stereo) (default ${DEFAULT-VALUE}).")
  int audioChannels;

  @Option(names = {"--audio-batch-size", "--batch-size-audio"}, defaultValue = "1",
      description = "Audio clips per request (default ${DEFAULT-VALUE}).")
  int audioBatchSize;

  @Option(names = "--fixed-schedule",
      description = "Send each request at its dataset timestamp (on by itself for timestamped files).")
  boolean fixedSchedule;

  @Option(names = "--fixed-schedule-auto-offset",
      description = "Shift the trace so its first timestamp is time zero.")
  boolean fixedScheduleAutoOffset;

  @Option(names = "--fixed-schedule-start-offset", description = "First trace timestamp replayed (ms).")
  Long fixedScheduleStart;

  @Option(names = "--fixed-schedule-end-offset", description = "Last trace timestamp replayed (ms).")
  Long fixedScheduleEnd;

  @Option(names = "--user-centric-rate",
      description = "Total requests/s of --num-users simulated users holding conversations.")
  Double userCentricRate;

  @Option(names = "--num-users", description = "Users for --user-centric-rate.")
  Integer numUsers;

  @Option(names = {"--num-sessions", "--num-conversations"},
      description = "Sessions to run instead of a request count.")
  Integer numSessions;

  @Option(names = "--session-turns-mean", defaultValue = "1",
      description = "Turns per synthetic session (default ${DEFAULT-VALUE}).")
  double sessionTurnsMean;

  @Option(names = "--session-turns-stddev", defaultValue = "0",
      description = "Turns per session standard deviation.")
  double sessionTurnsStddev;

  @Option(names = "--session-turn-delay-mean", defaultValue = "0",
      description = "Delay between a reply and the next turn, ms (default ${DEFAULT-VALUE}).")
  double sessionTurnDelayMean;

  @Option(names = "--session-turn-delay-stddev", defaultValue = "0",
      description = "Turn delay standard deviation, ms.")
  double sessionTurnDelayStddev;

  @Option(names = {"--isl", "--synthetic-input-tokens-mean"}, defaultValue = "550",
      description = "Mean prompt length in tokens (default ${DEFAULT-VALUE}).")
  double islMean;

  @Option(names = {"--isl-stddev", "--synthetic-input-tokens-stddev"}, defaultValue = "0",
      description = "Prompt length standard deviation in tokens (default ${DEFAULT-VALUE}).")
  double islStddev;

  @Option(names = {"--osl", "--output-tokens-mean"},
      description = "Mean output length asked for (max_completion_tokens); none by default.")
  Double oslMean;

  @Option(names = {"--osl-stddev", "--output-tokens-stddev"}, defaultValue = "0",
      description = "Output length standard deviation in tokens (default ${DEFAULT-VALUE}).")
  double oslStddev;

  @Option(names = "--random-seed", description = "Seed for the dataset; random if not given.")
  Long seed;

  @Option(names = {"--num-dataset-entries", "--num-prompts"},
      description = "Distinct prompts (default: one per request, up to 10,000).")
  Integer entries;

  @Option(names = "--tokenizer", defaultValue = "o200k_base",
      description = "Tokenizer for token counts: a tiktoken encoding (default ${DEFAULT-VALUE};"
          + " also cl100k_base, ...) or a local Hugging Face tokenizer.json or its directory.")
  String tokenizer;

  @Option(names = {"--artifact-dir", "--output-artifact-dir"},
      description = "Directory for the export files (default artifacts/<model>-openai-<type>-concurrency<N>).")
  Path artifactDir;

  @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer <key>'; never printed or stored.")
  String apiKey;

  @Option(names = {"-H", "--header"}, description = "Extra header 'Name:Value' (repeatable) or a JSON object.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--extra-inputs", description = "Extra body field 'key:value' (repeatable) or a JSON object.")
  List<String> extraInputs = new ArrayList<>();

  @Option(names = "--slo",
      description = "SLO checked after the run, e.g. \"time_to_first_token.p99<200ms\" (repeatable);"
          + " exit 3 when one is broken.")
  List<String> slos = new ArrayList<>();

  @Option(names = "--goodput",
      description = "SLOs, e.g. \"time_to_first_token:200 inter_token_latency:20\" (display units).")
  String goodput;

  @Option(names = "--slice-duration", description = "Also report statistics per slice of this many seconds.")
  Double sliceDuration;

  @Option(names = "--export-level", defaultValue = "records",
      description = "summary, records (adds profile_export.jsonl) or raw (also every message;"
          + " default ${DEFAULT-VALUE}).")
  String exportLevel;

  @Option(names = "--profile-export-prefix",
      description = "Name the export files <prefix>.json, <prefix>.csv, <prefix>.jsonl.")
  String exportPrefix;

  @Option(names = "--show-trace-timing",
      description = "Show the HTTP timings (http_req_*) in the console table.")
  boolean showTraceTiming;

  @Option(names = "--export-http-trace",
      description = "Add each request's HTTP timings (trace_data) to profile_export.jsonl.")
  boolean exportHttpTrace;

  @Option(names = "--use-legacy-max-tokens", description = "Send max_tokens instead of max_completion_tokens.")
  boolean legacyMaxTokens;

  @Option(names = "--request-timeout-seconds", defaultValue = "21600",
      description = "Per-request timeout (default ${DEFAULT-VALUE}).")
  double requestTimeoutSeconds;

  @Option(names = "--message-bus",
      description = "The bus between the run's services: inmemory (default) or zmq, which other"
          + " processes can join.")
  String messageBus;

  @Option(names = "--workers-remote",
      description = "Wait for this many workers in other processes or hosts, each started with"
          + " 'aiperf service --type worker --controller ADDRESS', and send the requests through"
          + " them (uses the zmq bus; local workers default to none).")
  Integer workersRemote;

  @Option(names = "--zmq-host",
      description = "Interface the zmq bus listens on for remote workers (default 127.0.0.1;"
          + " 0.0.0.0 for all: then use CURVE).")
  String zmqHost;

  @Option(names = "--zmq-port",
      description = "Port the zmq bus listens on (default: one the OS picks, printed at start).")
  Integer zmqPort;

  @Option(names = "--curve-key-file",
      description = "The controller's CURVE certificate (public and secret key): encrypts and"
          + " authenticates the zmq bus between hosts.")
  Path curveKeyFile;

  @Option(names = "--curve-authorized-keys",
      description = "A CURVE public certificate, or a folder of them: the only workers let in.")
  Path curveAuthorizedKeys;

  @Option(names = "--startup-timeout",
      description = "Seconds each start-up step (plugins, tokenizer, server reachability, services,"
          + " worker registration, dataset load) may take before the run fails naming it"
          + " (default 60).")
  Double startupTimeout;

  @Option(names = "--source-address", split = ",",
      description = "Local IP address(es) to connect from, in turn (repeatable or comma-separated):"
          + " each has its own ~28k ephemeral ports. Against a loopback server aiperf spreads over"
          + " 127.0.0.x by itself above 20,000 connections.")
  List<String> sourceAddresses = new ArrayList<>();

  @Option(names = "--workers-max", description = "Workers (event loops); default CPU count, capped by concurrency.")
  Integer workers;

  @Option(names = "--record-processors", description = "Record processors; default half the CPU count.")
  Integer recordProcessors;

  @Option(names = {"--ui", "--ui-type"}, defaultValue = "simple",
      description = "Progress display: none or simple (default ${DEFAULT-VALUE}).")
  String ui;

  @Option(names = "--mock-ttft", defaultValue = "20",
      description = "With --url mock: time to first token in ms (default ${DEFAULT-VALUE}).")
  double mockTtftMs;

  @Option(names = "--mock-itl", defaultValue = "5",
      description = "With --url mock: inter-token latency in ms (default ${DEFAULT-VALUE}).")
  double mockItlMs;

  @Option(names = "--mock-error-rate", defaultValue = "0",
      description = "With --url mock: percent of requests that get HTTP 500.")
  double mockErrorRate;

  @Option(names = "--mock-fast", description = "With --url mock: no delays (client ceiling).")
  boolean mockFast;

  @Option(names = "--mock-stall-every", defaultValue = "0",
      description = "With --url mock: every Nth request stalls --mock-stall-ms before its first token.")
  int mockStallEvery;

  @Option(names = "--mock-stall-ms", defaultValue = "0",
      description = "With --url mock: length of a stall in ms.")
  double mockStallMs;

  @Option(names = "--mock-slow-drip-rate", defaultValue = "0",
      description = "With --url mock: percent of answers trickled one byte per"
          + " --mock-slow-drip-interval-ms.")
  double mockSlowDripRate;

  @Option(names = "--mock-slow-drip-interval-ms", defaultValue = "1000",
      description = "With --url mock: pause between two slow-drip bytes, ms (default"
          + " ${DEFAULT-VALUE}).")
  double mockSlowDripIntervalMs;

  @Option(names = "--mock-refuse-rate", defaultValue = "0",
      description = "With --url mock: percent of connections closed before a byte is read.")
  double mockRefuseRate;

  @Option(names = "--mock-idle-timeout-ms", defaultValue = "0",
      description = "With --url mock: close keep-alive connections idle this long, ms (0 = never).")
  double mockIdleTimeoutMs;

  @Option(names = "--mock-reasoning-tokens", defaultValue = "0",
      description = "With --url mock: reasoning tokens before each answer's content.")
  int mockReasoningTokens;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<String> problems = new ArrayList<>();
    String ui = this.ui.toLowerCase(Locale.ROOT);
    if (!ui.equals("none") && !ui.equals("simple") && !ui.equals("dashboard")) {
      problems.add("--ui was '" + this.ui + "' but it must be none or simple");
    }
    if (!(requestTimeoutSeconds > 0)) {
      problems.add("--request-timeout-seconds was '" + requestTimeoutSeconds
          + "' but it must be > 0");
    }
    Map<String, String> headerMap = parseHeaders(problems);
    List<io.aiperf.api.Slo> parsedSlos = new ArrayList<>();
    for (String s : slos) {
      try {
        parsedSlos.add(io.aiperf.api.Slo.parse(s));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    Map<String, Object> extras = parseExtraInputs(problems);
    models.replaceAll(String::strip);
    models.removeIf(String::isEmpty);
    if (models.isEmpty()) {
      problems.add("--model was empty but it needs at least one model name");
    } else {
      model = models.get(0);
    }
    urls.replaceAll(String::strip);
    urls.removeIf(String::isEmpty);
    if (urls.isEmpty()) {
      urls.add("localhost:8000");
    }
    url = urls.get(0);
    if (urls.size() > 1 && urls.stream().anyMatch(u -> u.equalsIgnoreCase("mock"))) {
      problems.add("--url was '" + String.join(",", urls) + "' but 'mock' stands alone: it"
          + " starts one embedded server");
    }
    io.aiperf.engine.internal.service.EngineSupport.checkTokenizer(tokenizer)
        .ifPresent(problems::add);
    io.aiperf.api.DatasetConfig chosen = dataset(problems);
    if (!problems.isEmpty()) {
      return usageError(err, problems);
    }

    boolean mock = url.equalsIgnoreCase("mock");
    MockLlmServer server = null;
    try {
      if (mock) {
        try {
          server = MockLlmServer.start(MockServerCommand.MockCommandSupport.builder("127.0.0.1",
              0, mockTtftMs, mockItlMs, mockErrorRate, 0, mockFast, mockStallEvery, mockStallMs,
              0, 0, 0)
              .slowDrip(mockSlowDripRate,
                  MockServerCommand.MockCommandSupport.millis(mockSlowDripIntervalMs))
              .refuseRate(mockRefuseRate)
              .idleTimeout(MockServerCommand.MockCommandSupport.millis(mockIdleTimeoutMs))
              .reasoningTokens(mockReasoningTokens)
              .build());
        } catch (IllegalArgumentException e) {
          return usageError(err, List.of(e.getMessage()));
        }
        err.println("Started the embedded mock LLM server at " + server.baseUrl());
        err.flush();
      }
      EndpointConfig endpoint = Endpoints.of(endpointType, mock ? server.baseUrl() : url)
          .urls(mock ? List.of(server.baseUrl()) : urls)
          .models(models)
          .modelSelectionStrategy(modelSelectionStrategy)
          .useServerTokenCount(useServerTokenCount)
          .streaming(streaming)
          .useLegacyMaxTokens(legacyMaxTokens)
          .requestTimeout(Duration.ofNanos((long) (requestTimeoutSeconds * 1e9)));
      if (customEndpoint != null) {
        endpoint = endpoint.path(customEndpoint);
      }
      for (var h : headerMap.entrySet()) {
        endpoint = endpoint.header(h.getKey(), h.getValue());
      }
      for (var e : extras.entrySet()) {
        endpoint = endpoint.extraInput(e.getKey(), e.getValue());
      }
      if (apiKey != null) {
        endpoint = endpoint.apiKey(apiKey);
      }
      Benchmark.Builder builder = Benchmark.builder().endpoint(endpoint).dataset(chosen)
          .exporters("console", "json", "csv")
          .console(out)
          .commandLine(redactedArgs(io.aiperf.engine.internal.Secrets.of(endpoint)));
      if (concurrency != null) {
        builder.concurrency(concurrency);
      }
      if (requestCount != null) {
        builder.requestCount(requestCount);
      }
      if (workers != null) {
        builder.workers(workers);
      }
      if (recordProcessors != null) {
        builder.recordProcessors(recordProcessors);
      }
      applyLoad(builder, problems);
      applyBus(builder, problems);
      builder.artifactDir(artifactDir != null ? artifactDir : defaultArtifactDir());
      if (!ui.equals("none")) {
        builder.listener(new ProgressPrinter(err));
      } else if (workersRemote != null && workersRemote > 0) {
        builder.listener(new io.aiperf.api.BenchmarkListener() {
          @Override
          public void onWaitingForWorkers(int count, String address) {
            ProgressPrinter.printWaiting(err, count, address);
          }
        });
      }
      io.aiperf.api.BenchmarkConfig config;
      try {
        config = builder.build();
      } catch (InvalidBenchmarkConfigException e) {
        problems.addAll(e.problems());
        config = null;
      }
      if (!problems.isEmpty()) {
        // Flag-level and configuration-level problems together, so one run shows them all.
        return usageError(err, problems);
      }
      RunLog runLog = RunLog.open(config.artifactDir().orElseThrow());
      log.info("aiperf-java profile: {}", config);
      BenchmarkRun run = Benchmark.start(config);
      // SIGTERM: stop issuing, let in-flight requests end and the exports be written, bounded.
      // SIGINT goes to the interrupt handler, which a second Ctrl-C can hurry.
      InterruptHandler interrupts = InterruptHandler.install(run, err);
      Thread hook = new Thread(() -> {
        run.cancel();
        try {
          run.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // Exiting anyway; what was written stays written.
        }
      }, "aiperf-sigint");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        io.aiperf.api.BenchmarkResult result = run.await();
        var broken = result.check(parsedSlos);
        for (var v : broken) {
          err.println("SLO broken: " + v.message());
        }
        if (!parsedSlos.isEmpty() && broken.isEmpty()) {
          err.println("All " + parsedSlos.size() + " SLOs hold.");
        }
        if (interrupts.interrupted()) {
          return InterruptHandler.EXIT_INTERRUPTED;
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
      clearBusProperties();
      out.flush();
      err.flush();
    }
  }

  /** The zmq bus reads its settings from system properties: set for this run, cleared after. */
  private static final List<String> BUS_PROPERTIES = List.of(
      io.aiperf.zmq.ZmqBusOptions.HOST_PROPERTY, io.aiperf.zmq.ZmqBusOptions.PORT_PROPERTY,
      io.aiperf.zmq.ZmqBusOptions.KEY_FILE_PROPERTY,
      io.aiperf.zmq.ZmqBusOptions.AUTHORIZED_KEYS_PROPERTY);

  private void applyBus(Benchmark.Builder b, List<String> problems) {
    String bus = messageBus;
    if (workersRemote != null) {
      if (workersRemote < 1) {
        problems.add("--workers-remote was '" + workersRemote + "' but it must be at least 1");
      } else {
        b.remoteWorkers(workersRemote);
        bus = bus == null ? "zmq" : bus;
      }
    }
    if (bus != null) {
      b.messageBus(bus);
    }
    boolean zmq = "zmq".equalsIgnoreCase(bus);
    if (!zmq && (zmqHost != null || zmqPort != null || curveKeyFile != null
        || curveAuthorizedKeys != null)) {
      problems.add("--zmq-host, --zmq-port and the CURVE flags apply to the zmq bus only: add"
          + " --workers-remote N or --message-bus zmq");
      return;
    }
    if (zmqPort != null && (zmqPort < 0 || zmqPort > 65535)) {
      problems.add("--zmq-port was '" + zmqPort + "' but it must be 0-65535");
    }
    if (curveAuthorizedKeys != null && curveKeyFile == null) {
      problems.add("--curve-authorized-keys needs --curve-key-file: the controller's own keys");
    }
    for (Path f : new Path[] {curveKeyFile, curveAuthorizedKeys}) {
      if (f != null && !java.nio.file.Files.exists(f)) {
        problems.add("CURVE key file '" + f + "' does not exist");
      }
    }
    if (zmq && problems.isEmpty()) {
      setProperty(io.aiperf.zmq.ZmqBusOptions.HOST_PROPERTY, zmqHost);
      setProperty(io.aiperf.zmq.ZmqBusOptions.PORT_PROPERTY,
          zmqPort == null ? null : zmqPort.toString());
      setProperty(io.aiperf.zmq.ZmqBusOptions.KEY_FILE_PROPERTY,
          curveKeyFile == null ? null : curveKeyFile.toString());
      setProperty(io.aiperf.zmq.ZmqBusOptions.AUTHORIZED_KEYS_PROPERTY,
          curveAuthorizedKeys == null ? null : curveAuthorizedKeys.toString());
    }
  }

  private static void setProperty(String name, String value) {
    if (value != null) {
      System.setProperty(name, value);
    }
  }

  private static void clearBusProperties() {
    BUS_PROPERTIES.forEach(System::clearProperty);
  }

  /** The dataset the flags describe; each bad value is added to the problems. */
  private io.aiperf.api.DatasetConfig dataset(List<String> problems) {
    try {
      if (publicDataset != null || publicDatasetFile != null) {
        if (publicDataset == null || !publicDataset.equalsIgnoreCase("sharegpt")) {
          problems.add("--public-dataset was '" + publicDataset + "' but it must be sharegpt"
              + " (with --public-dataset-file)");
          return null;
        }
        if (publicDatasetFile == null) {
          problems.add("--public-dataset sharegpt was set but it needs --public-dataset-file with"
              + " a local copy (aiperf-java never downloads)");
          return null;
        }
        io.aiperf.api.FileDataset f = Datasets.shareGpt(publicDatasetFile).tokenizer(tokenizer);
        f = entries != null ? f.entries(entries) : f;
        return samplingStrategy != null ? f.samplingStrategy(samplingStrategy) : f;
      }
      if (inputFile != null) {
        io.aiperf.api.FileDataset f = Datasets.file(customDatasetType, inputFile)
            .tokenizer(tokenizer);
        if (islBlockSize != null) {
          f = f.blockSize(islBlockSize);
        }
        if (entries != null) {
          f = f.entries(entries);
        }
        return samplingStrategy != null ? f.samplingStrategy(samplingStrategy) : f;
      }
      SyntheticDataset d = Datasets.synthetic().inputTokens(islMean, islStddev)
          .tokenizer(tokenizer).turns(sessionTurnsMean, sessionTurnsStddev)
          .turnDelay(sessionTurnDelayMean, sessionTurnDelayStddev);
      if (oslMean != null) {
        d = d.outputTokens(oslMean, oslStddev);
      }
      if (seed != null) {
        d = d.seed(seed);
      }
      if (entries != null) {
        d = d.entries(entries);
      }
      if (samplingStrategy != null) {
        d = d.samplingStrategy(samplingStrategy);
      }
      if (seqDist != null) {
        d = d.sequenceDistribution(io.aiperf.api.SequenceDistribution.parse(seqDist));
      }
      if (numPrefixPrompts != null || prefixPromptLength != null) {
        d = d.prefixPrompts(numPrefixPrompts == null ? 0 : numPrefixPrompts,
            prefixPromptLength == null ? 0 : prefixPromptLength);
      }
      if (sharedSystemPromptLength != null) {
        d = d.sharedSystemPrompt(sharedSystemPromptLength);
      }
      if (batchSize != null) {
        d = d.batchSize(batchSize);
      }
      if (imageWidthMean != null || imageHeightMean != null) {
        d = d.images(imageWidthMean == null ? 0 : imageWidthMean, imageWidthStddev,
            imageHeightMean == null ? 0 : imageHeightMean, imageHeightStddev);
      }
      d = d.imageFormat(imageFormat, imageBatchSize)
          .audio(audioLengthMean, audioLengthStddev)
          .audioFormat(audioFormat, audioSampleRates, audioDepths, audioChannels, audioBatchSize);
      return d;
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return null;
    }
  }

  private void applyLoad(Benchmark.Builder b, List<String> problems) {
    if (requestRate != null) {
      b.requestRate(requestRate);
    }
    b.showTraceTiming(showTraceTiming).exportHttpTrace(exportHttpTrace);
    if (exportPrefix != null) {
      b.exportPrefix(exportPrefix);
    }
    seconds("--slice-duration", sliceDuration, problems, b::sliceDuration);
    try {
      b.exportLevel(io.aiperf.api.ExportLevel.valueOf(exportLevel.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      problems.add("--export-level was '" + exportLevel + "' but it must be summary, records or"
          + " raw");
    }
    b.fixedSchedule(fixedSchedule).fixedScheduleAutoOffset(fixedScheduleAutoOffset)
        .fixedScheduleWindow(fixedScheduleStart, fixedScheduleEnd);
    if (numSessions != null) {
      b.numSessions(numSessions);
    }
    if (goodput != null) {
      Map<String, Double> slos = new LinkedHashMap<>();
      for (String part : goodput.trim().split("\\s+")) {
        int colon = part.indexOf(':');
        try {
          slos.put(part.substring(0, colon), Double.parseDouble(part.substring(colon + 1)));
        } catch (RuntimeException e) {
          problems.add("--goodput part was '" + part + "' but it must be 'metric_tag:number',"
              + " e.g. time_to_first_token:200");
        }
      }
      b.goodput(slos);
    }
    if (userCentricRate != null || numUsers != null) {
      b.userCentricRate(userCentricRate == null ? Double.NaN : userCentricRate,
          numUsers == null ? 0 : numUsers);
    }
    if (arrivalPattern != null) {
      try {
        b.arrivalPattern(ArrivalPattern.valueOf(arrivalPattern.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add("--arrival-pattern was '" + arrivalPattern
            + "' but it must be constant, poisson or gamma");
      }
    }
    if (arrivalSmoothness != null) {
      b.arrivalSmoothness(arrivalSmoothness);
    }
    if (prefillConcurrency != null) {
      b.prefillConcurrency(prefillConcurrency);
    }
    seconds("--benchmark-duration", benchmarkDuration, problems, b::benchmarkDuration);
    seconds("--benchmark-grace-period", gracePeriod, problems, b::gracePeriod);
    seconds("--startup-timeout", startupTimeout, problems, b::startupTimeout);
    if (!sourceAddresses.isEmpty()) {
      b.sourceAddresses(sourceAddresses);
    }
    if (warmupRequestCount != null) {
      b.warmupRequestCount(warmupRequestCount);
    }
    seconds("--warmup-duration", warmupDuration, problems, b::warmupDuration);
    if (warmupConcurrency != null) {
      b.warmupConcurrency(warmupConcurrency);
    }
    if (warmupRequestRate != null) {
      b.warmupRequestRate(warmupRequestRate);
    }
    seconds("--concurrency-ramp-duration", concurrencyRampDuration, problems,
        b::concurrencyRampDuration);
    seconds("--request-rate-ramp-duration", requestRateRampDuration, problems,
        b::requestRateRampDuration);
    if (cancellationRate != null) {
      if (!Double.isFinite(cancellationDelay)) {
        problems.add("--request-cancellation-delay was '" + cancellationDelay
            + "' but it must be a number of seconds");
      } else {
        b.requestCancellation(cancellationRate, Duration.ofNanos((long) (cancellationDelay * 1e9)));
      }
    }
  }

  /** Seconds as a Duration; NaN and infinities are reported, not passed on. */
  private static void seconds(String flag, Double value, List<String> problems,
      java.util.function.Consumer<Duration> set) {
    if (value == null) {
      return;
    }
    if (!Double.isFinite(value)) {
      problems.add(flag + " was '" + value + "' but it must be a finite number of seconds");
      return;
    }
    set.accept(Duration.ofNanos(Math.round(value * 1e9)));
  }

  private int usageError(PrintWriter err, List<String> problems) {
    for (String p : problems) {
      err.println("Error: " + p);
    }
    err.println("Run 'aiperf profile --help' for the options.");
    err.flush();
    return AiperfCommand.EXIT_USAGE;
  }

  private Map<String, String> parseHeaders(List<String> problems) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String h : headers) {
      String t = h.strip();
      if (t.startsWith("{")) {
        try {
          result.putAll(JSON.readValue(t, new TypeReference<Map<String, String>>() {}));
        } catch (Exception e) {
          problems.add("--header was '" + redactHeader(h) + "' but it is not a JSON object of"
              + " strings: " + e.getMessage().lines().findFirst().orElse(""));
        }
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0) {
        problems.add("--header was '" + redactHeader(h) + "' but it must be 'Name:Value'");
        continue;
      }
      result.put(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
    }
    return result;
  }

  private Map<String, Object> parseExtraInputs(List<String> problems) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String x : extraInputs) {
      String t = x.strip();
      if (t.startsWith("{")) {
        try {
          result.putAll(JSON.readValue(t, new TypeReference<Map<String, Object>>() {}));
        } catch (Exception e) {
          problems.add("--extra-inputs was '" + x + "' but it is not a JSON object: "
              + e.getMessage().lines().findFirst().orElse(""));
        }
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0) {
        problems.add("--extra-inputs was '" + x + "' but it must be 'key:value' or a JSON object");
        continue;
      }
      String key = t.substring(0, colon).strip();
      String value = t.substring(colon + 1).strip();
      // The template endpoint reads these as text: an inline template that happens to be valid
      // JSON must not become an object.
      result.put(key, key.equals("payload_template") || key.equals("response_field") ? value
          : typed(value));
    }
    return result;
  }

  /** AIPerf's typing of 'key:value' extra inputs: JSON literals where they parse, else strings. */
  static Object typed(String value) {
    try {
      Object v = JSON.readValue(value, Object.class);
      if (v instanceof Number || v instanceof Boolean || v instanceof Map || v instanceof List) {
        return v;
      }
    } catch (Exception notJson) {
      // A plain string.
    }
    return value;
  }

  private static String redactHeader(String h) {
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon + 1) + "<redacted>";
  }

  /** AIPerf's run directory name: model, service kind, endpoint type, stimulus. */
  private Path defaultArtifactDir() {
    List<String> parts = new ArrayList<>();
    if (fixedSchedule) {
      return Path.of("artifacts", model.replace('/', '_') + "-openai-" + endpointType
          + "-fixed_schedule");
    }
    if (userCentricRate != null) {
      return Path.of("artifacts", model.replace('/', '_') + "-openai-" + endpointType
          + "-user_centric-users" + numUsers + "-qps" + userCentricRate);
    }
    if (concurrency != null || requestRate == null) {
      parts.add("concurrency" + (concurrency == null ? 1 : concurrency));
    }
    if (requestRate != null) {
      parts.add("request_rate" + requestRate); // a float, as AIPerf writes it: request_rate10.0
    }
    String stimulus = String.join("-", parts);
    String name = model.replace('/', '_') + (models.size() > 1 ? "_multi" : "") + "-openai-"
        + endpointType + "-" + stimulus;
    return Path.of("artifacts", name);
  }

  /** The command line for the exports, with the API key and header values replaced. */
  private List<String> redactedArgs(io.aiperf.engine.internal.Secrets secrets) {
    // The parse result's original arguments start with the subcommand name.
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    for (int i = 0; i < args.size(); i++) {
      // Secret extra inputs are known by value; a key in any other argument goes too.
      args.set(i, secrets.redact(args.get(i)));
      String a = args.get(i);
      if (a.equals("--api-key") && i + 1 < args.size()) {
        args.set(i + 1, "<redacted>");
      } else if (a.startsWith("--api-key=")) {
        args.set(i, "--api-key=<redacted>");
      } else if ((a.equals("-H") || a.equals("--header")) && i + 1 < args.size()) {
        args.set(i + 1, redactHeader(args.get(i + 1)));
      }
    }
    return args;
  }

  /** {@code --ui simple}: one progress line a second on stderr. */
  private static final class ProgressPrinter implements BenchmarkListener {
    private final PrintWriter err;

    ProgressPrinter(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onWaitingForWorkers(int count, String address) {
      printWaiting(err, count, address);
    }

    static void printWaiting(PrintWriter err, int count, String address) {
      err.println("Waiting for " + count + " remote worker" + (count == 1 ? "" : "s")
          + ": on each, run  aiperf service --type worker --controller " + address);
      err.flush();
    }

    @Override
    public void onStart(io.aiperf.api.BenchmarkConfig config) {
      String count = config.requestCount() > 0 ? config.requestCount() + " requests"
          : "for " + config.benchmarkDuration().map(d -> d.toMillis() / 1000.0 + " s").orElse("");
      String load = config.requestRate().isPresent()
          ? config.requestRate().getAsDouble() + " requests/s ("
              + config.arrivalPattern().name().toLowerCase(Locale.ROOT) + ")"
              + (config.concurrency() > 0 ? ", at most " + config.concurrency() + " in flight" : "")
          : "concurrency " + config.concurrency();
      err.println("Profiling: " + count + " at " + load + " against " + config.endpoint().url());
      err.flush();
    }

    @Override
    public void onProgress(long completed, long errors, long total) {
      if (total > 0) {
        err.printf(Locale.ROOT, "Profiling: %d/%d requests done (%.0f%%), %d errors%n", completed,
            total, 100.0 * completed / total, errors);
      } else {
        err.printf(Locale.ROOT, "Profiling: %d requests done, %d errors%n", completed, errors);
      }
      err.flush();
    }
  }

}
