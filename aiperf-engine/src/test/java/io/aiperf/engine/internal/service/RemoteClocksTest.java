package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.RemoteClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the report says of the remote clocks. */
final class RemoteClocksTest {
  private static final long MS = 1_000_000L;
  private static final List<MetricResult> TTFT_20_MS = List.of(MetricResult.scalar(
      new MetricTag("time_to_first_token"), "Time to First Token", "ms", 20.0));

  private static Messages.ClockReport report(String id, long uncertainty, int steps,
      boolean corrected, long samples) {
    return new Messages.ClockReport(id, "host pid 1", 3_000 * MS, uncertainty, 2 * uncertainty,
        samples, steps, steps == 0 ? 0 : -250 * MS, corrected);
  }

  @Test
  void eachServicesLastReport_isInTheResult_byId() {
    RemoteClocks clocks = new RemoteClocks();
    clocks.onReport(report("worker_r1", MS / 2, 0, true, 8));
    clocks.onReport(report("worker_r0", MS, 0, true, 8));
    clocks.onReport(report("worker_r0", MS / 4, 1, true, 11)); // the later one counts
    List<RemoteClock> result = clocks.results();
    assertThat(result).extracting(RemoteClock::serviceId).containsExactly("worker_r0",
        "worker_r1");
    RemoteClock r0 = result.get(0);
    assertThat(r0.offset()).isEqualTo(Duration.ofSeconds(3));
    assertThat(r0.uncertainty()).isEqualTo(Duration.ofNanos(MS / 4));
    assertThat(r0.samples()).isEqualTo(11);
    assertThat(r0.steps()).isEqualTo(1);
    assertThat(r0.largestStep()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aWellKnownClock_saysNothing() {
    RemoteClocks clocks = new RemoteClocks();
    clocks.onReport(report("worker_r0", MS / 2, 0, true, 20)); // 2.5 % of the TTFT
    assertThat(clocks.warnings(TTFT_20_MS)).isEmpty();
  }

  @Test
  void anUncertaintyLargeAgainstTheTtft_aStep_noMeasurement_andNoCorrection_areSaidPlainly() {
    RemoteClocks clocks = new RemoteClocks();
    clocks.onReport(report("worker_r0", 3 * MS, 0, true, 20)); // 15 % of 20 ms
    clocks.onReport(report("worker_r1", MS / 10, 2, true, 20));
    clocks.onReport(report("worker_r2", 0, 0, true, 0));
    clocks.onReport(report("worker_r3", MS / 10, 0, false, 20));
    clocks.onReport(report("record_processor_r0", 9 * MS, 0, true, 20)); // stamps nothing
    List<String> warnings = clocks.warnings(TTFT_20_MS);
    assertThat(warnings).hasSize(4);
    assertThat(warnings.get(0)).contains("worker_r0", "+/- 3.000 ms", "15 %",
        "median time to first token (20.00 ms)");
    assertThat(warnings.get(1)).contains("worker_r1", "stepped 2 time(s)", "-250.000 ms");
    assertThat(warnings.get(2)).contains("worker_r2", "could not measure its clock");
    assertThat(warnings.get(3)).contains("worker_r3", "NOT moved", "3000.000 ms");
  }
}
