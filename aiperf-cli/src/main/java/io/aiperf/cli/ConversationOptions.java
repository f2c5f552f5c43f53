package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.FileDataset;
import io.aiperf.api.SyntheticDataset;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Conversation Input group: sessions, distinct entries, turns and the delay between them. */
final class ConversationOptions {
  @Option(names = {"--num-sessions", "--num-conversations", "--conversation-num"},
      description = "Sessions to run instead of a request count.")
  @Nullable Integer numSessions;

  /** AIPerf's default number of distinct synthetic entries. */
  static final int DEFAULT_ENTRIES = 100;

  @Option(names = {"--num-dataset-entries", "--num-prompts"},
      description = "Distinct prompts (default as AIPerf: --num-sessions, else one per request"
          + " with --request-count (aiperf-java stops at 10,000), else 100).")
  @Nullable Integer entries;

  @Option(names = {"--session-delay-ratio", "--conversation-turn-delay-ratio"},
      defaultValue = "1.0",
      description = "Scales the synthetic turn delays (--session-turn-delay-mean/-stddev):"
          + " below 1 faster, above 1 slower (default ${DEFAULT-VALUE}).")
  double delayRatio;

  @Option(names = {"--session-turns-mean", "--conversation-turn-mean"},
      defaultValue = "1",
      description = "Turns per synthetic session (default ${DEFAULT-VALUE}).")
  double sessionTurnsMean;

  @Option(names = {"--session-turns-stddev", "--conversation-turn-stddev"},
      defaultValue = "0",
      description = "Turns per session standard deviation.")
  double sessionTurnsStddev;

  @Option(names = {"--session-turn-delay-mean", "--conversation-turn-delay-mean"},
      defaultValue = "0",
      description = "Delay between a reply and the next turn, ms (default ${DEFAULT-VALUE}).")
  double sessionTurnDelayMean;

  @Option(names = {"--session-turn-delay-stddev",
      "--conversation-turn-delay-stddev"}, defaultValue = "0",
      description = "Turn delay standard deviation, ms.")
  double sessionTurnDelayStddev;

  FileDataset configure(FileDataset f) {
    if (delayRatio != 1.0) {
      throw new IllegalArgumentException("--session-delay-ratio was '" + delayRatio + "' but"
          + " aiperf-java scales synthetic turn delays only, not a dataset file's");
    }
    return entries != null ? f.entries(entries) : f;
  }

  /**
   * Synthetic sessions. The distinct entries follow AIPerf: --num-dataset-entries, else
   * --num-sessions, else (with --request-count) one per request, else 100.
   */
  SyntheticDataset configure(SyntheticDataset d, @Nullable Integer requestCount) {
    if (!(delayRatio > 0) || Double.isInfinite(delayRatio)) {
      throw new IllegalArgumentException("--session-delay-ratio was '" + delayRatio + "' but it"
          + " must be a number > 0");
    }
    d = d.turns(sessionTurnsMean, sessionTurnsStddev)
        .turnDelay(sessionTurnDelayMean * delayRatio, sessionTurnDelayStddev * delayRatio);
    if (entries != null) {
      return d.entries(entries);
    }
    if (numSessions != null) {
      return d.entries(numSessions);
    }
    // With a request count the engine makes one entry per request (up to 10,000 of them).
    return requestCount != null ? d : d.entries(DEFAULT_ENTRIES);
  }

  void configure(Benchmark.Builder b) {
    if (numSessions != null) {
      b.numSessions(numSessions);
    }
  }
}
