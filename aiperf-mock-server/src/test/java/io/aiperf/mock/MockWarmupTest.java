package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The warm-up really serves its requests, so the code it means to compile is what ran. */
final class MockWarmupTest {
    @Test
    void everyWarmupRequest_getsACompleteAnswer() {
        assertThat(MockWarmup.run(40)).isEqualTo(40);
    }

    @Test
    void everyLoopbackWarmupRequest_getsAWholeAnswerOverARealConnection() {
        assertThat(MockLoopbackWarmup.run())
                .isEqualTo(MockLoopbackWarmup.CONNECTIONS * MockLoopbackWarmup.PER_CONNECTION);
    }
}
