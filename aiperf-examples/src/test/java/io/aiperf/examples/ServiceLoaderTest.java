package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.TokenizerProvider;
import io.aiperf.api.spi.TransportProvider;
import org.junit.jupiter.api.Test;

/** A typo in a services file fails silently at run time; here it fails the build. */
final class ServiceLoaderTest {
  @Test
  void everyBuiltInProvider_isFoundByItsName() {
    assertThat(Plugins.names(BenchmarkEngineProvider.class)).contains("default");
    assertThat(Plugins.names(MessageBusProvider.class)).contains("inmemory");
    assertThat(Plugins.names(TransportProvider.class)).contains("http");
    assertThat(Plugins.names(EndpointProvider.class)).contains("chat", "completions",
        "chat-with-system");
    assertThat(Plugins.names(DatasetProvider.class)).contains("synthetic");
    assertThat(Plugins.names(TokenizerProvider.class)).contains("tiktoken");
    assertThat(Plugins.names(MetricProvider.class)).contains("core", "example-decode-duration");
    assertThat(Plugins.names(ExporterProvider.class)).contains("console", "json", "csv");
    assertThat(Plugins.names(ServiceProvider.class)).containsExactlyInAnyOrder(
        "dataset_manager", "timing_manager", "worker_manager", "worker", "record_processor",
        "records_manager", "server_metrics_manager", "gpu_telemetry_manager");
  }
}
