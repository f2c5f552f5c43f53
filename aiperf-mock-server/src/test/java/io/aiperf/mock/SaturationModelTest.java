package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class SaturationModelTest {

    /** 4 slots; 10 ms + 0.1 ms per prompt token; 2 ms per token plus 1 ms per other request. */
    private static final SaturationModel MODEL = SaturationModel.of(4, Duration.ofMillis(10),
            Duration.ofMillis(1).dividedBy(10), Duration.ofMillis(2), Duration.ofMillis(1));

    @Test
    void oneRequest_ttftIsPrefillAndItlIsTheIdleSpeed() {
        SaturationModel.Prediction p = MODEL.predictConcurrency(1, 1, 100, 11);

        assertThat(p.meanTtftMillis()).isCloseTo(20.0, within(1e-9)); // 10 + 100 * 0.1
        assertThat(p.meanItlMillis()).isCloseTo(2.0, within(1e-9));
        assertThat(p.meanLatencyMillis()).isCloseTo(40.0, within(1e-9)); // 20 + 10 * 2
    }

    @Test
    void concurrencyUpToTheSlots_neverQueuesButSlowsEveryToken() {
        SaturationModel.Prediction p = MODEL.predictConcurrency(4, 40, 0, 11);

        assertThat(p.ttftPercentileMillis(100)).isCloseTo(10.0, within(1e-9));
        // All four start together and finish together: each joined a batch of 1, 2, 3 or 4 at
        // first, then a full batch of 4 from the second round on.
        assertThat(p.itlPercentileMillis(100)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void concurrencyAboveTheSlots_waitsInTheQueue() {
        SaturationModel.Prediction p = MODEL.predictConcurrency(8, 80, 0, 11);

        // Service with 4 running: 10 + 10 * 5 = 60 ms; half the users wait one service each time.
        assertThat(p.ttftPercentileMillis(99)).isCloseTo(70.0, within(1e-6));
        assertThat(p.ttftPercentileMillis(0)).isCloseTo(10.0, within(1e-6));
    }

    @Test
    void capacity_isSlotsOverTheFullBatchServiceTime() {
        // 4 / (10 ms + 10 * 5 ms) = 66.67 requests/s
        assertThat(MODEL.capacity(0, 11)).isCloseTo(4 / 0.060, within(1e-9));
    }

    @Test
    void rateBelowCapacity_keepsTtftAtThePrefill_andAboveItGrowsWithTheRun() {
        double capacity = MODEL.capacity(0, 11);
        assertThat(MODEL.predictRate(capacity * 0.5, 200, 0, 11).ttftPercentileMillis(100))
                .isCloseTo(10.0, within(1e-6));
        SaturationModel.Prediction over = MODEL.predictRate(capacity * 1.5, 200, 0, 11);
        assertThat(over.ttftPercentileMillis(99)).isGreaterThan(500);
        assertThat(MODEL.predictRate(capacity * 1.5, 400, 0, 11).ttftPercentileMillis(99))
                .isGreaterThan(over.ttftPercentileMillis(99) * 1.8);
    }

    @Test
    void maxRate_findsTheEdgeOfTheGoodFraction() {
        Duration slo = Duration.ofMillis(100);
        double edge = MODEL.maxRate(1, 1000, 200, 0, 11, p -> p.goodFraction(slo, null, null) >= 0.95);

        assertThat(MODEL.predictRate(edge, 200, 0, 11).goodFraction(slo, null, null)).isGreaterThanOrEqualTo(0.95);
        assertThat(MODEL.predictRate(edge * 1.01, 200, 0, 11).goodFraction(slo, null, null)).isLessThan(0.95);
        assertThat(edge).isGreaterThan(MODEL.capacity(0, 11) * 0.9);
    }

    @Test
    void maxRate_isNaNWhenTheSloFailsAtTheLowestRate() {
        assertThat(MODEL.maxRate(1, 100, 10, 0, 11, p -> p.meanTtftMillis() < 1)).isNaN();
    }

    @Test
    void of_rejectsZeroSlots() {
        assertThatThrownBy(() -> SaturationModel.of(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots was 0 but it must be 1 to 65536");
    }

    @Test
    void options_rejectSaturationWithFastMode() {
        assertThatThrownBy(() -> MockServerOptions.builder().fast(true)
                .saturation(4, Duration.ZERO, Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots was 4 but a saturating server cannot be fast (no delays); drop one of them");
    }

    @Test
    void options_buildTheModelFromTheServersTtftAndItl() {
        MockServerOptions o = MockServerOptions.builder().ttft(Duration.ofMillis(7)).itl(Duration.ofMillis(3))
                .saturation(2, Duration.ofMillis(1), Duration.ofMillis(2)).build();

        SaturationModel m = o.saturation().orElseThrow();
        assertThat(m.slots()).isEqualTo(2);
        assertThat(m.ttft()).isEqualTo(Duration.ofMillis(7));
        assertThat(m.itl()).isEqualTo(Duration.ofMillis(3));
        assertThat(o.toBuilder().build().saturation()).isPresent();
        assertThat(MockServerOptions.builder().build().saturation()).isEmpty();
    }
}
