package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Endpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a remote worker makes of the controller's spec. */
final class RemoteServicesTest {
  private static Messages.RemoteSpec spec(int concurrency) {
    return new Messages.RemoteSpec(EndpointCodec.write(Endpoints.of("chat",
        "http://10.0.0.1:8000").models(List.of("m"))), concurrency, 2, false, false, List.of(),
        "builtin", concurrency == 0, 0, List.of(), false);
  }

  @Test
  void aRunWithoutConcurrency_leavesTheRemoteWorkersConnectionsUncapped() {
    // A request-rate run: one connection per worker would queue the schedule behind it.
    assertThat(RemoteServices.config(spec(0)).concurrency()).isZero();
  }

  @Test
  void aRunWithConcurrency_capsTheConnectionsAtIt() {
    assertThat(RemoteServices.config(spec(8)).concurrency()).isEqualTo(8);
  }
}
