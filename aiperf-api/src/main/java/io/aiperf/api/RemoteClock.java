package io.aiperf.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a service in another process (a remote worker or record processor, perhaps on another
 * host) kept time against the controller. The service measures its clock's offset to the
 * controller's with round trips over the bus (the fastest round trip of recent ones wins, as
 * NTP clients do), and a worker rebases every timestamp it sends by that offset, so each request
 * is timed on the controller's clock whatever host sent it.
 *
 * @param serviceId the service, e.g. {@code worker_r0}
 * @param host where it ran (its host name and process id)
 * @param offset the controller's clock minus the service's, at the last measurement
 * @param uncertainty how far off the offset may be: half the round trip it was taken from, plus
 *     the drift the clocks may have had since
 * @param minRoundTrip the fastest round trip to the controller seen
 * @param samples the round trips measured
 * @param steps how often the offset jumped by more than the measurements allow (a clock was set
 *     or stepped during the run); 0 when it stayed put
 * @param largestStep the largest such jump, zero when none
 * @param corrected whether the service rebased its timestamps (false only when told not to)
 * @since 0.1.0
 */
public record RemoteClock(String serviceId, String host, Duration offset, Duration uncertainty,
    Duration minRoundTrip, long samples, int steps, Duration largestStep, boolean corrected) {
  /**
   * Validates the fields.
   *
   * @param serviceId the service
   * @param host where it ran
   * @param offset the controller's clock minus the service's
   * @param uncertainty how far off the offset may be
   * @param minRoundTrip the fastest round trip seen
   * @param samples the round trips measured
   * @param steps the clock steps seen
   * @param largestStep the largest step, zero when none
   * @param corrected whether timestamps were rebased
   */
  public RemoteClock {
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(offset, "offset");
    Objects.requireNonNull(uncertainty, "uncertainty");
    Objects.requireNonNull(minRoundTrip, "minRoundTrip");
    Objects.requireNonNull(largestStep, "largestStep");
  }
}
