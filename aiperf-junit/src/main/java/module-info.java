/**
 * JUnit 5 support: {@code @AiperfTest} starts a mock LLM server per test class and
 * {@code AiperfAssertions} states performance expectations on a result.
 */
module io.aiperf.junit {
  requires static org.jspecify;
  requires transitive io.aiperf.api;
  requires transitive io.aiperf.mock;
  requires transitive org.junit.jupiter.api;

  exports io.aiperf.junit;
}
