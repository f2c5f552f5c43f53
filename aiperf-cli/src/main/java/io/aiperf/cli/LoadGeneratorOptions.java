package io.aiperf.cli;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.Benchmark;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Load Generator group: how many requests, how fast, for how long. */
final class LoadGeneratorOptions {
  @Nullable Integer concurrency;
  /** Every value given; more than one makes a sweep (see {@link SweepOptions}). */
  List<Number> concurrencyValues = List.of();

  @Option(names = "--concurrency", paramLabel = "N[,N...]",
      description = "Requests in flight at once (default 1); a comma-separated list sweeps.")
  void concurrency(String text) {
    concurrencyValues = SweepOptions.integers("--concurrency", text);
    concurrency = concurrencyValues.get(0).intValue();
  }

  @Option(names = {"--request-count", "--num-requests"},
      description = "Requests to send (default max(10, 2 x concurrency)).")
  @Nullable Integer requestCount;

  @Nullable Double requestRate;
  /** Every value given; more than one makes a sweep. */
  List<Number> requestRateValues = List.of();

  @Option(names = "--request-rate", paramLabel = "RATE[,RATE...]",
      description = "Mean requests per second (open loop); --concurrency becomes a ceiling;"
          + " a comma-separated list sweeps.")
  void requestRate(String text) {
    requestRateValues = SweepOptions.decimals("--request-rate", text);
    requestRate = requestRateValues.get(0).doubleValue();
  }

  @Option(names = {"--arrival-pattern", "--request-rate-mode"},
      description = "Spacing at a request rate: constant, poisson or gamma (default poisson).")
  @Nullable String arrivalPattern;

  @Option(names = {"--arrival-smoothness", "--vllm-burstiness"},
      description = "Gamma shape k (vLLM --burstiness): 1 Poisson, <1 burstier, >1 smoother.")
  @Nullable Double arrivalSmoothness;

  @Option(names = "--prefill-concurrency",
      description = "Cap on requests waiting for their first token (streaming only).")
  @Nullable Integer prefillConcurrency;

  @Option(names = "--benchmark-duration",
      description = "Stop issuing after this many seconds.")
  @Nullable Double benchmarkDuration;

  @Option(names = "--benchmark-grace-period",
      description = "Seconds in-flight requests may finish after --benchmark-duration (default 30);"
          + " the rest are cancelled and counted.")
  @Nullable Double gracePeriod;

  @Option(names = "--concurrency-ramp-duration",
      description = "Seconds to raise the concurrency linearly from 1 to its target.")
  @Nullable Double concurrencyRampDuration;

  @Option(names = "--request-rate-ramp-duration",
      description = "Seconds to raise the request rate linearly to its target.")
  @Nullable Double requestRateRampDuration;

  @Option(names = "--failed-request-threshold", paramLabel = "RATIO",
      description = "Cancel the run when more than this share (0 to 1) of the profiling"
          + " requests failed, once max(concurrency, 10) have ended; the command then exits 1.")
  @Nullable Double failedRequestThreshold;

  @Option(names = "--no-realtime-pacing", negatable = false,
      description = "Keep the thread that paces --request-rate an ordinary one; by default it"
          + " asks Linux for real-time priority (allowed for root, CAP_SYS_NICE or ulimit -r),"
          + " which keeps its sends within ~0.1 ms on a busy machine.")
  boolean noRealtimePacing;

  @Option(names = "--realtime-io", negatable = false,
      description = "Run the client's I/O threads (and --url mock's) at Linux real-time priority"
          + " while mostly idle (allowed for root, CAP_SYS_NICE or ulimit -r), so that they"
          + " stamp each answer the moment it arrives on a busy machine; off by default: near"
          + " the client's ceiling it costs throughput.")
  boolean realtimeIo;

  void configure(Benchmark.Builder b, List<String> problems) {
    if (noRealtimePacing) {
      b.realtimePacing(false);
    }
    if (realtimeIo) {
      b.realtimeIo(true);
    }
    if (failedRequestThreshold != null
        && !(failedRequestThreshold >= 0 && failedRequestThreshold <= 1)) {
      problems.add("--failed-request-threshold was '" + failedRequestThreshold
          + "' but it must be a share from 0 to 1");
    }
    if (concurrency != null) {
      b.concurrency(concurrency);
    }
    if (requestCount != null) {
      b.requestCount(requestCount);
    }
    if (requestRate != null) {
      b.requestRate(requestRate);
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
    OptionChecks.seconds("--benchmark-duration", benchmarkDuration, problems, b::benchmarkDuration);
    OptionChecks.seconds("--benchmark-grace-period", gracePeriod, problems, b::gracePeriod);
  }

  /**
   * The ramps; separate from {@link #configure} only so that problems keep the order they have
   * always been reported in (after --startup-timeout and --warmup-duration).
   */
  void configureRamps(Benchmark.Builder b, List<String> problems) {
    OptionChecks.seconds("--concurrency-ramp-duration", concurrencyRampDuration, problems,
        b::concurrencyRampDuration);
    OptionChecks.seconds("--request-rate-ramp-duration", requestRateRampDuration, problems,
        b::requestRateRampDuration);
  }

  /** The stimulus part of the default artifact directory's name, as AIPerf writes it. */
  String stimulus() {
    List<String> parts = new java.util.ArrayList<>();
    if (concurrency != null || requestRate == null) {
      parts.add("concurrency" + (concurrency == null ? 1 : concurrency));
    }
    if (requestRate != null) {
      parts.add("request_rate" + requestRate); // a float, as AIPerf writes it: request_rate10.0
    }
    return String.join("-", parts);
  }
}
