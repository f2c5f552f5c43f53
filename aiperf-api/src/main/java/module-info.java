/**
 * The API of aiperf-java: the fluent {@code Benchmark} builder, its immutable configuration, the
 * result model ({@code io.aiperf.api}) and the plugin interfaces ({@code io.aiperf.api.spi}).
 * Implementations are found with {@link java.util.ServiceLoader}, so this module declares every
 * plugin kind it loads.
 *
 * @since 0.1.0
 */
module io.aiperf.api {
  requires static transitive org.jspecify;
  requires org.slf4j;

  exports io.aiperf.api;
  exports io.aiperf.api.spi;

  uses io.aiperf.api.spi.BenchmarkEngineProvider;
  uses io.aiperf.api.spi.DatasetProvider;
  uses io.aiperf.api.spi.EndpointProvider;
  uses io.aiperf.api.spi.ExporterProvider;
  uses io.aiperf.api.spi.MessageBusProvider;
  uses io.aiperf.api.spi.MetricProvider;
  uses io.aiperf.api.spi.ReportProvider;
  uses io.aiperf.api.spi.ResultMergerProvider;
  uses io.aiperf.api.spi.ServiceProvider;
  uses io.aiperf.api.spi.TokenizerProvider;
  uses io.aiperf.api.spi.TransportProvider;
}
