/**
 * The engine: AIPerf's services on a message bus, the in-memory bus, the Netty transports,
 * endpoints, datasets, tokenizers, metrics and exporters. Users reach it only through the API
 * ({@link java.util.ServiceLoader} finds the providers declared here); {@code io.aiperf.engine}
 * holds the one public entry point for processes that host remote services. Everything under
 * {@code io.aiperf.engine.internal} stays inside, except for the JMH benchmarks that measure it.
 */
module io.aiperf.engine {
  requires static org.jspecify;
  requires transitive io.aiperf.api;
  requires org.slf4j;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.codec.http2;
  requires io.netty.handler;
  requires com.fasterxml.jackson.databind;
  requires HdrHistogram;
  requires jtokkit;
  // Optional: only a tokenizer.json needs DJL (see HuggingFaceTokenizerProvider).
  requires static ai.djl.tokenizers;
  // Synthetic images and audio for multimodal datasets.
  requires java.desktop;
  // Process CPU time for the client's own load, next to the run's numbers.
  requires java.management;
  requires jdk.management;
  // Prometheus pages are scraped with the JDK's HTTP client, off the benchmark's event loops.
  requires java.net.http;

  exports io.aiperf.engine;
  // Microbenchmarks of the hot path measure internal classes directly.
  exports io.aiperf.engine.internal.bus to io.aiperf.jmh;
  exports io.aiperf.engine.internal.dataset to io.aiperf.jmh;
  exports io.aiperf.engine.internal.endpoint to io.aiperf.jmh;
  exports io.aiperf.engine.internal.metrics to io.aiperf.jmh;
  exports io.aiperf.engine.internal.prometheus to io.aiperf.jmh;
  exports io.aiperf.engine.internal.servermetrics to io.aiperf.jmh;
  exports io.aiperf.engine.internal.service to io.aiperf.jmh;
  exports io.aiperf.engine.internal.tokenizer to io.aiperf.jmh;
  exports io.aiperf.engine.internal.transport to io.aiperf.jmh;

  // Jackson writes the export files and (over the ZeroMQ bus) the bus messages by reflection.
  opens io.aiperf.engine.internal to com.fasterxml.jackson.databind;
  opens io.aiperf.engine.internal.dataset to com.fasterxml.jackson.databind;
  opens io.aiperf.engine.internal.endpoint to com.fasterxml.jackson.databind;
  opens io.aiperf.engine.internal.export to com.fasterxml.jackson.databind;
  opens io.aiperf.engine.internal.metrics to com.fasterxml.jackson.databind;
  opens io.aiperf.engine.internal.service to com.fasterxml.jackson.databind;

  // Every provider is also listed in META-INF/services, for the class path.
  provides io.aiperf.api.spi.BenchmarkEngineProvider with
      io.aiperf.engine.internal.DefaultEngineProvider;
  provides io.aiperf.api.spi.DatasetProvider with
      io.aiperf.engine.internal.dataset.SyntheticDatasetProvider,
      io.aiperf.engine.internal.dataset.JsonlDatasetProvider.SingleTurn,
      io.aiperf.engine.internal.dataset.JsonlDatasetProvider.MultiTurn,
      io.aiperf.engine.internal.dataset.DagJsonlDatasetProvider,
      io.aiperf.engine.internal.dataset.TraceDatasetProviders.Mooncake,
      io.aiperf.engine.internal.dataset.TraceDatasetProviders.Bailian,
      io.aiperf.engine.internal.dataset.RandomPoolDatasetProvider,
      io.aiperf.engine.internal.dataset.ShareGptDatasetProvider,
      io.aiperf.engine.internal.dataset.BurstGptDatasetProvider,
      io.aiperf.engine.internal.dataset.PayloadDatasetProviders.RawPayload,
      io.aiperf.engine.internal.dataset.PayloadDatasetProviders.InputsJson;
  provides io.aiperf.api.spi.EndpointProvider with
      io.aiperf.engine.internal.endpoint.ChatEndpointProvider,
      io.aiperf.engine.internal.endpoint.CompletionsEndpointProvider,
      io.aiperf.engine.internal.endpoint.EmbeddingsEndpointProvider,
      io.aiperf.engine.internal.endpoint.RankingsEndpointProvider.Nim,
      io.aiperf.engine.internal.endpoint.RankingsEndpointProvider.Cohere,
      io.aiperf.engine.internal.endpoint.RankingsEndpointProvider.HfTei,
      io.aiperf.engine.internal.endpoint.HuggingFaceGenerateEndpointProvider,
      io.aiperf.engine.internal.endpoint.ResponsesEndpointProvider,
      io.aiperf.engine.internal.endpoint.MessagesEndpointProvider,
      io.aiperf.engine.internal.endpoint.TemplateEndpointProvider,
      io.aiperf.engine.internal.endpoint.EmbeddingVariants.ChatEmbeddings,
      io.aiperf.engine.internal.endpoint.EmbeddingVariants.NimEmbeddings,
      io.aiperf.engine.internal.endpoint.ImageEndpointProviders.Generation,
      io.aiperf.engine.internal.endpoint.ImageEndpointProviders.Edit,
      io.aiperf.engine.internal.endpoint.AudioTranscriptionEndpointProvider,
      io.aiperf.engine.internal.endpoint.RawEndpointProvider;
  provides io.aiperf.api.spi.ExporterProvider with
      io.aiperf.engine.internal.export.ConsoleExporter,
      io.aiperf.engine.internal.export.JsonExporter,
      io.aiperf.engine.internal.export.CsvExporter;
  provides io.aiperf.api.spi.MessageBusProvider with
      io.aiperf.engine.internal.bus.InMemoryBusProvider;
  provides io.aiperf.api.spi.MetricProvider with
      io.aiperf.engine.internal.metrics.CoreMetricProvider;
  provides io.aiperf.api.spi.ResultMergerProvider with
      io.aiperf.engine.internal.metrics.HdrResultMerger;
  provides io.aiperf.api.spi.ServiceProvider with
      io.aiperf.engine.internal.service.ServiceProviders.DatasetManagerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.TimingManagerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.WorkerManagerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.WorkerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.RecordProcessorProvider,
      io.aiperf.engine.internal.service.ServiceProviders.RecordsManagerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.ServerMetricsManagerProvider,
      io.aiperf.engine.internal.service.ServiceProviders.GpuTelemetryManagerProvider;
  provides io.aiperf.api.spi.TokenizerProvider with
      io.aiperf.engine.internal.tokenizer.TiktokenProvider,
      io.aiperf.engine.internal.tokenizer.HuggingFaceTokenizerProvider;
  provides io.aiperf.api.spi.TransportProvider with
      io.aiperf.engine.internal.transport.HttpTransportProvider;
}
