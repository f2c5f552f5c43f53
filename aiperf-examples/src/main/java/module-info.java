/**
 * Examples of aiperf-java as users write it: a quickstart against the mock, a custom endpoint and
 * a custom metric (plugins declared here and in META-INF/services), and a JMH workload. The
 * module path run of the quickstart (ModulePathIT) proves the modules work as named modules.
 */
module io.aiperf.examples {
  requires static org.jspecify;
  requires io.aiperf.api;
  requires io.aiperf.mock;
  requires io.aiperf.jmh;
  requires jmh.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports io.aiperf.examples;

  provides io.aiperf.api.spi.EndpointProvider with
      io.aiperf.examples.SystemPromptChatEndpointProvider;
  provides io.aiperf.api.spi.MetricProvider with
      io.aiperf.examples.DecodeDurationMetricProvider;
}
