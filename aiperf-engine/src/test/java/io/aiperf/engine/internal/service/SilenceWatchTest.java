package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.BenchmarkProgress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class SilenceWatchTest {
  private static final long SECOND = 1_000_000_000L;

  private static BenchmarkProgress progress(int inFlight, int silent, double longestSilence,
      double oldest, double sinceLastEnd) {
    return new BenchmarkProgress(5, 1, 40, inFlight, silent, seconds(longestSilence),
        seconds(oldest), seconds(sinceLastEnd));
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  @Test
  void silentRequests_areNamedWithCountDurationAndTimeout_onceAMinute() {
    SilenceWatch watch = new SilenceWatch(Duration.ofSeconds(10), Duration.ofHours(6));
    assertThat(watch.observe(progress(8, 3, 14.2, 20, 2), 0)).get().asString()
        .startsWith("3 of 8 requests in flight have received nothing from the server for"
            + " 10.0 s or more (the longest for 14.2 s)")
        .contains("request timeout (6.0 h)").contains("--request-timeout-seconds");
    assertThat(watch.observe(progress(8, 3, 15.2, 21, 3), SECOND)).isEmpty();
    assertThat(watch.observe(progress(8, 3, 74.2, 80, 3), 60 * SECOND)).get().asString()
        .contains("(the longest for 74.2 s)");
  }

  @Test
  void oneSilentRequest_isSingular() {
    SilenceWatch watch = new SilenceWatch(Duration.ofSeconds(1), Duration.ofSeconds(600));
    assertThat(watch.observe(progress(1, 1, 130, 130, 130), 0)).get().asString()
        .startsWith("1 of 1 request in flight has received nothing")
        .contains("the longest for 2 min 10 s").contains("(10 min 0 s)");
  }

  @Test
  void requestsStillStreaming_areNamedOnlyAfterSixSilencesWithoutAnEnd() {
    SilenceWatch watch = new SilenceWatch(Duration.ofSeconds(10), Duration.ofHours(6));
    assertThat(watch.observe(progress(2, 0, 0.3, 59, 59.9), 0)).isEmpty();
    assertThat(watch.observe(progress(2, 0, 0.3, 612, 60), SECOND)).get().asString()
        .isEqualTo("No request has ended for 60.0 s: 2 requests in flight, the oldest sent"
            + " 10 min 12 s ago, all still receiving data; each ends when the server finishes"
            + " it or at the request timeout (6.0 h).");
  }

  @Test
  void quietServersAreFine_whenNothingIsInFlight_orTheWarningIsOff() {
    assertThat(new SilenceWatch(Duration.ofSeconds(10), Duration.ofHours(6))
        .observe(progress(0, 0, 0, 0, 500), 0)).isEmpty();
    assertThat(new SilenceWatch(Duration.ZERO, Duration.ofHours(6))
        .observe(progress(4, 4, 500, 500, 500), 0)).isEmpty();
  }
}
