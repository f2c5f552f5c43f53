/**
 * The {@code aiperf} command line. It uses the public API, the SPIs (found with
 * {@link java.util.ServiceLoader}) and the public packages of the engine, the ZeroMQ bus and the
 * mock server; nothing internal. Shipped as a shaded jar on the class path; the descriptor is
 * here so the compiler holds the CLI to those boundaries.
 */
module io.aiperf.cli {
  requires static org.jspecify;
  requires io.aiperf.api;
  requires io.aiperf.engine;
  requires io.aiperf.zmq;
  requires io.aiperf.mock;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires org.yaml.snakeyaml;
  requires org.slf4j;
  // The run's own log file (logs/aiperf.log) is configured in code.
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core;
  // The live dashboard (--ui dashboard); its JNI provider is found by JLine at run time.
  requires org.jline.terminal;
  // JLine logs through java.util.logging: the dashboard keeps its console handler off the screen.
  requires java.logging;
  // Ctrl-C and SIGTERM write partial results before the JVM exits (sun.misc.Signal).
  requires jdk.unsupported;
  // aiperf service --health-port: /healthz and /readyz for Kubernetes probes.
  requires jdk.httpserver;
  // --wait-for-model-timeout: the readiness probe before the run (the JDK's HTTP client).
  requires java.net.http;

  // aiperf plugins --validate loads every provider of every kind itself.
  uses io.aiperf.api.spi.BenchmarkEngineProvider;
  uses io.aiperf.api.spi.DatasetProvider;
  uses io.aiperf.api.spi.EndpointProvider;
  uses io.aiperf.api.spi.ExporterProvider;
  uses io.aiperf.api.spi.MessageBusProvider;
  uses io.aiperf.api.spi.MetricProvider;
  uses io.aiperf.api.spi.ResultMergerProvider;
  uses io.aiperf.api.spi.ServiceProvider;
  uses io.aiperf.api.spi.TokenizerProvider;
  uses io.aiperf.api.spi.TransportProvider;

  // picocli reads and sets the options of the commands by reflection.
  opens io.aiperf.cli to info.picocli;
  opens io.aiperf.cli.config to info.picocli;
}
