package io.aiperf.api;

import static io.aiperf.api.ConfigChecks.fmt;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The load group of {@link Benchmark.Builder}: how much is sent and when (concurrency, counts,
 * rate and arrival pattern, ramps, duration, cancellation, trace replay, sessions and users).
 * Mutable while a builder holds it; {@link BenchmarkConfig} keeps its own copy.
 */
final class LoadOptions {
  @Nullable Integer concurrency;
  @Nullable Integer requestCount;
  @Nullable Double requestRate;
  @Nullable ArrivalPattern arrivalPattern;
  @Nullable Double arrivalSmoothness;
  @Nullable Integer prefillConcurrency;
  @Nullable Duration benchmarkDuration;
  @Nullable Duration gracePeriod;
  @Nullable Duration concurrencyRampDuration;
  @Nullable Duration requestRateRampDuration;
  @Nullable Double cancellationRate;
  @Nullable Duration cancellationDelay;
  boolean fixedSchedule;
  boolean fixedScheduleAutoOffset;
  @Nullable Long fixedScheduleStartOffset;
  @Nullable Long fixedScheduleEndOffset;
  @Nullable Integer numSessions;
  @Nullable Double userCentricRate;
  @Nullable Integer numUsers;

  LoadOptions() {}

  LoadOptions(LoadOptions o) {
    concurrency = o.concurrency;
    requestCount = o.requestCount;
    requestRate = o.requestRate;
    arrivalPattern = o.arrivalPattern;
    arrivalSmoothness = o.arrivalSmoothness;
    prefillConcurrency = o.prefillConcurrency;
    benchmarkDuration = o.benchmarkDuration;
    gracePeriod = o.gracePeriod;
    concurrencyRampDuration = o.concurrencyRampDuration;
    requestRateRampDuration = o.requestRateRampDuration;
    cancellationRate = o.cancellationRate;
    cancellationDelay = o.cancellationDelay;
    fixedSchedule = o.fixedSchedule;
    fixedScheduleAutoOffset = o.fixedScheduleAutoOffset;
    fixedScheduleStartOffset = o.fixedScheduleStartOffset;
    fixedScheduleEndOffset = o.fixedScheduleEndOffset;
    numSessions = o.numSessions;
    userCentricRate = o.userCentricRate;
    numUsers = o.numUsers;
  }

  void checkCounts(List<String> problems) {
    if (concurrency != null && concurrency < 1) {
      problems.add(fmt("concurrency was '%d' but it must be at least 1", concurrency));
    }
    if (requestCount != null && requestCount < 1) {
      problems.add(fmt("requestCount was '%d' but it must be at least 1", requestCount));
    }
  }

  void checkRate(List<String> problems) {
    if (requestRate != null && !(requestRate > 0)) {
      problems.add(fmt("requestRate was '%s' but it must be > 0", requestRate));
    }
  }

  /** The arrival pattern and the prefill cap, which needs a streaming endpoint. */
  void checkArrival(@Nullable EndpointConfig endpoint, List<String> problems) {
    if (arrivalSmoothness != null && !(arrivalSmoothness > 0)) {
      problems.add(fmt("arrivalSmoothness was '%s' but it must be > 0", arrivalSmoothness));
    }
    if (arrivalSmoothness != null && arrivalPattern != null
        && arrivalPattern != ArrivalPattern.GAMMA) {
      problems.add("arrivalSmoothness was '" + arrivalSmoothness + "' but it applies to the gamma"
          + " pattern only, and arrivalPattern is " + arrivalPattern);
    }
    if ((arrivalPattern != null || arrivalSmoothness != null) && requestRate == null) {
      problems.add("arrivalPattern was set but it needs requestRate (the pattern spaces a rate)");
    }
    if (requestRateRampDuration != null && requestRate == null) {
      problems.add("requestRateRampDuration was set but it needs requestRate");
    }
    if (prefillConcurrency != null) {
      if (prefillConcurrency < 1) {
        problems.add(fmt("prefillConcurrency was '%d' but it must be at least 1",
            prefillConcurrency));
      } else if (concurrency != null && prefillConcurrency > concurrency) {
        problems.add(fmt("prefillConcurrency was '%d' but it cannot exceed concurrency (%d)",
            prefillConcurrency, concurrency));
      }
      if (endpoint != null && !endpoint.streaming()) {
        problems.add("prefillConcurrency was set but it needs streaming: the first token is"
            + " only seen in a stream");
      }
    }
  }

  void checkGraceAndCancellation(List<String> problems) {
    if (gracePeriod != null && gracePeriod.isNegative()) {
      problems.add("gracePeriod was '" + gracePeriod + "' but it must be zero or positive");
    }
    if (gracePeriod != null && benchmarkDuration == null) {
      problems.add("gracePeriod was set but it applies to benchmarkDuration runs only");
    }
    if (cancellationRate != null && !(cancellationRate >= 0 && cancellationRate <= 100)) {
      problems.add(fmt("request cancellation rate was '%s' but it must be a percentage from 0"
          + " to 100", cancellationRate));
    }
    if (cancellationDelay != null && cancellationDelay.isNegative()) {
      problems.add("request cancellation delay was '" + cancellationDelay
          + "' but it must be zero or positive");
    }
  }

  /** Trace replay, which needs a dataset with timestamps. */
  void checkSchedule(DatasetConfig dataset, List<String> problems) {
    if (fixedSchedule && !(dataset instanceof FileDataset)) {
      problems.add("fixedSchedule was set but it needs a dataset with timestamps (a"
          + " mooncake_trace, bailian_trace, single_turn or multi_turn file whose lines have a"
          + " 'timestamp')");
    }
    if (fixedSchedule && requestRate != null) {
      problems.add("fixedSchedule and requestRate were both set but a trace sets its own times");
    }
    if ((fixedScheduleStartOffset != null || fixedScheduleEndOffset != null) && !fixedSchedule
        && !(dataset instanceof FileDataset)) {
      problems.add("fixedScheduleStartOffset/EndOffset were set but they need a fixed schedule");
    }
    if (fixedScheduleStartOffset != null && fixedScheduleEndOffset != null
        && fixedScheduleEndOffset < fixedScheduleStartOffset) {
      problems.add(fmt("fixedScheduleEndOffset was '%d' but it must be >= the start offset (%d)",
          fixedScheduleEndOffset, fixedScheduleStartOffset));
    }
  }

  /** Simulated users, who need multi-turn sessions and a bound. */
  void checkUserCentric(DatasetConfig dataset, List<String> problems) {
    if (userCentricRate == null) {
      return;
    }
    if (!(userCentricRate > 0)) {
      problems.add(fmt("userCentricRate was '%s' but it must be > 0", userCentricRate));
    }
    if (numUsers == null || numUsers < 1) {
      problems.add("numUsers was '" + numUsers + "' but user-centric rate needs at least 1");
    }
    if (requestRate != null || fixedSchedule) {
      problems.add("userCentricRate was set but it cannot be combined with requestRate or"
          + " fixedSchedule: each sets when requests go out");
    }
    if (dataset instanceof SyntheticDataset s && s.turnsMean() < 2) {
      problems.add(fmt("userCentricRate was set but session turns mean was '%s' and it needs"
          + " at least 2 (users hold conversations)", s.turnsMean()));
    }
    if (requestCount == null && numSessions == null && benchmarkDuration == null) {
      problems.add("userCentricRate was set but it needs a bound: requestCount, numSessions"
          + " or benchmarkDuration");
    }
  }

  void checkSessions(List<String> problems) {
    if (numSessions != null && requestCount != null) {
      problems.add("numSessions and requestCount were both set but a run ends by one of them");
    }
    if (numSessions != null && numSessions < 1) {
      problems.add(fmt("numSessions was '%d' but it must be at least 1", numSessions));
    }
  }
}
