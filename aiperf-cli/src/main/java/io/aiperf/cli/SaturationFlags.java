package io.aiperf.cli;

import io.aiperf.mock.MockServerOptions;
import picocli.CommandLine.Option;

/**
 * {@code aiperf mock-server}'s saturation flags: decode slots with a queue in front, so latency
 * rises with load along the curve {@link io.aiperf.mock.SaturationModel} states.
 */
final class SaturationFlags {
  @Option(names = "--slots", defaultValue = "0",
      description = "Decode slots: at most this many requests generate at once, the rest queue"
          + " (FIFO); 0 = off, every request gets --ttft and --itl at once.")
  int slots;

  @Option(names = "--prefill-per-token-ms", defaultValue = "0",
      description = "With --slots: prefill time per prompt token, ms, added to --ttft.")
  double prefillPerTokenMs;

  @Option(names = "--itl-per-request-ms", defaultValue = "0",
      description = "With --slots: what each other running request adds to --itl, ms.")
  double itlPerRequestMs;

  /** Applies the flags; the builder's {@code build()} checks them. */
  static MockServerOptions.Builder apply(MockServerOptions.Builder b, int slots,
      double prefillPerTokenMs, double itlPerRequestMs) {
    if (slots == 0) {
      return b;
    }
    return b.saturation(slots, MockServerCommand.MockCommandSupport.millis(prefillPerTokenMs),
        MockServerCommand.MockCommandSupport.millis(itlPerRequestMs));
  }

  MockServerOptions.Builder apply(MockServerOptions.Builder b) {
    return apply(b, slots, prefillPerTokenMs, itlPerRequestMs);
  }
}
