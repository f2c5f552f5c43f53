package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's User Centric group: simulated users holding conversations at a total rate. */
final class UserCentricOptions {
  @Option(names = "--user-centric-rate",
      description = "Total requests/s of --num-users simulated users holding conversations.")
  @Nullable Double userCentricRate;

  @Option(names = "--num-users", description = "Users for --user-centric-rate.")
  @Nullable Integer numUsers;

  boolean enabled() {
    return userCentricRate != null;
  }

  void configure(Benchmark.Builder b) {
    if (userCentricRate != null || numUsers != null) {
      b.userCentricRate(userCentricRate == null ? Double.NaN : userCentricRate,
          numUsers == null ? 0 : numUsers);
    }
  }

  /** The stimulus part of the default artifact directory's name, as AIPerf writes it. */
  String stimulus() {
    return "user_centric-users" + numUsers + "-qps" + userCentricRate;
  }
}
