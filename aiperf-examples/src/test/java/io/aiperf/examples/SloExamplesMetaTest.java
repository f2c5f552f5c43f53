package io.aiperf.examples;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Proves the SLO example fails a build when the server is too slow, with a useful message. */
final class SloExamplesMetaTest {
  @Test
  void slowServer_failsTheSlo_namingMetricValueAndThreshold() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(SlowServerSloExample.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(1, event(test("ttftMeetsItsSlo"), finishedWithFailure(
            instanceOf(AssertionError.class),
            message(m -> m.startsWith("time_to_first_token p99 was 3")
                && m.contains("ms, expected < 200.0 [chat http://127.0.0.1:")
                && m.contains("concurrency 8, 64 requests]")))));
  }
}
