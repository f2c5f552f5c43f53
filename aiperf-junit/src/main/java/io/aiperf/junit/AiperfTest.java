package io.aiperf.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class with an embedded mock LLM server on a free loopback port, started before the
 * first test and closed after the last. Test methods and constructors receive it as a
 * {@link io.aiperf.mock.MockLlmServer} parameter.
 *
 * <pre>{@code
 * @AiperfTest(ttftMillis = 20, itlMillis = 5)
 * class ChatSloTest {
 *   @Test
 *   void ttftStaysUnder200ms(MockLlmServer server) {
 *     BenchmarkResult r = Benchmark.builder()
 *         .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
 *         .concurrency(8).requestCount(100).run();
 *     AiperfAssertions.assertThat(r).metric(Metrics.TTFT).p99().isLessThan(Duration.ofMillis(200));
 *   }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(AiperfExtension.class)
public @interface AiperfTest {
  /**
   * Returns the mock server's time to first token.
   *
   * @return milliseconds
   */
  double ttftMillis() default 20;

  /**
   * Returns the mock server's time between tokens.
   *
   * @return milliseconds
   */
  double itlMillis() default 5;

  /**
   * Returns the share of requests the mock server answers with HTTP 500.
   *
   * @return percent, 0 to 100
   */
  double errorRate() default 0;
}
