package io.aiperf.engine.internal.service;

import io.aiperf.api.MetricResult;
import io.aiperf.api.RemoteClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the records manager keeps of the remote services' clocks ({@link Messages.ClockReport}):
 * the last report of each, for the result, and the warnings they call for. In a run without
 * remote services nothing is ever reported and this stays empty.
 */
final class RemoteClocks {
  /**
   * An offset known less precisely than this share of the median TTFT (or latency) gets a
   * warning: the metrics that compare a worker's stamps with the controller's are that uncertain.
   */
  static final double UNCERTAINTY_SHARE = 0.05;

  private final Map<String, Messages.ClockReport> latest = new ConcurrentHashMap<>();

  /** From the bus's event thread. */
  void onReport(Messages.ClockReport r) {
    latest.put(r.serviceId(), r);
  }

  /** Each service's last report, by id. */
  List<RemoteClock> results() {
    List<RemoteClock> clocks = new ArrayList<>();
    new TreeMap<>(latest).values().forEach(r -> clocks.add(new RemoteClock(r.serviceId(),
        r.host(), Duration.ofNanos(r.offsetNanos()), Duration.ofNanos(r.uncertaintyNanos()),
        Duration.ofNanos(r.minRoundTripNanos()), r.samples(), r.steps(),
        Duration.ofNanos(Math.abs(r.largestStepNanos())), r.corrected())));
    return clocks;
  }

  /**
   * Plain-language warnings about the workers' clocks (record processors stamp nothing, so
   * their clocks matter to no metric).
   *
   * @param metrics the run's metrics, for the TTFT (or latency) the uncertainty is set against
   * @return the warnings, empty when every worker's clock was well known
   */
  List<String> warnings(List<MetricResult> metrics) {
    List<String> warnings = new ArrayList<>();
    String yardstick = "time to first token";
    MetricResult scale = find(metrics, "time_to_first_token");
    if (scale == null || !(scale.p50() > 0)) {
      scale = find(metrics, "request_latency");
      yardstick = "request latency";
    }
    for (Messages.ClockReport r : new TreeMap<>(latest).values()) {
      if (!r.serviceId().startsWith("worker")) {
        continue;
      }
      if (r.samples() == 0) {
        warnings.add("Worker " + r.serviceId() + " (" + r.host() + ") could not measure its"
            + " clock against the controller's: its timestamps were used as they were, so send"
            + " lateness, latencies from the intended send and time slices are right only if"
            + " the two hosts' clocks agree.");
        continue;
      }
      if (!r.corrected()) {
        warnings.add(String.format(Locale.ROOT, "Worker %s's timestamps were NOT moved to the"
            + " controller's clock (clock correction off): its clock is %s ms off, so send"
            + " lateness, latencies from the intended send, time slices and the benchmark"
            + " window mix two clocks.", r.serviceId(), millis(r.offsetNanos())));
      }
      if (scale != null && scale.p50() > 0
          && r.uncertaintyNanos() / 1e6 > UNCERTAINTY_SHARE * scale.p50()) {
        warnings.add(String.format(Locale.ROOT, "Worker %s's clock offset to the controller is"
            + " known only to +/- %s ms, %.0f %% of the median %s (%.2f ms): send lateness,"
            + " latencies from the intended send and time slices are uncertain by that much"
            + " (the fastest round trip to the controller was %s ms; a quieter network between"
            + " the hosts narrows it).", r.serviceId(), millis(r.uncertaintyNanos()),
            100 * r.uncertaintyNanos() / 1e6 / scale.p50(), yardstick, scale.p50(),
            millis(r.minRoundTripNanos())));
      }
      if (r.steps() > 0) {
        warnings.add(String.format(Locale.ROOT, "Worker %s's clock stepped %d time(s) during"
            + " the run (largest jump %s ms): its offset to the controller was measured anew"
            + " each time, but requests in flight across a step may be off by up to that much.",
            r.serviceId(), r.steps(), millis(r.largestStepNanos())));
      }
    }
    return warnings;
  }

  private static @Nullable MetricResult find(List<MetricResult> metrics, String tag) {
    return metrics.stream().filter(m -> m.tag().tag().equals(tag)).findFirst().orElse(null);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
