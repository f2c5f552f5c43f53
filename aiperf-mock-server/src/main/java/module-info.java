/**
 * The mock OpenAI-compatible LLM server: a scripted ground truth (TTFT, ITL, faults) for tests,
 * calibration and demos. It depends on nothing of aiperf-java.
 */
module io.aiperf.mock {
  requires static org.jspecify;
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

  exports io.aiperf.mock;

  opens io.aiperf.mock to com.fasterxml.jackson.databind;
}
