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

  @Option(names = {"--num-dataset-entries", "--num-prompts"},
      description = "Distinct prompts (default: one per request, up to 10,000).")
  @Nullable Integer entries;

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
    return entries != null ? f.entries(entries) : f;
  }

  SyntheticDataset configure(SyntheticDataset d) {
    d = d.turns(sessionTurnsMean, sessionTurnsStddev)
        .turnDelay(sessionTurnDelayMean, sessionTurnDelayStddev);
    return entries != null ? d.entries(entries) : d;
  }

  void configure(Benchmark.Builder b) {
    if (numSessions != null) {
      b.numSessions(numSessions);
    }
  }
}
