/**
 * JMH benchmarks of the client's hot path and buses, and {@code AiperfProfiler}, which runs a
 * benchmark against an LLM server next to a JMH workload. The engine exports its internal
 * packages to this module only, for the microbenchmarks.
 */
module io.aiperf.jmh {
  requires static org.jspecify;
  requires transitive io.aiperf.api;
  requires io.aiperf.engine;
  requires io.aiperf.mock;
  requires transitive jmh.core;
  requires org.slf4j;
  // StaticServer, the canned-bytes HTTP server of bench/vs-wrk.sh.
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.codec;
  requires io.netty.codec.http;
  // HandOffBenchmarks reads the benchmark thread's CPU time.
  requires java.management;

  exports io.aiperf.jmh;
  // JMH's generated code and runner reach the benchmark classes by reflection.
  opens io.aiperf.jmh;

  provides org.openjdk.jmh.profile.Profiler with io.aiperf.jmh.AiperfProfiler;
}
