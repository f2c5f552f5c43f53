package io.aiperf.mock;

/**
 * The mock server's one reading of the monotonic clock.
 *
 * <p>A request's arrival, every token's due time ({@code arrival + ttft + i * itl}), the timers
 * re-armed from them and {@link ReceivedRequest#arrivalNanos()} are all points on this clock, and
 * tests measure clients against exactly that schedule. Reading it in one place keeps them on one
 * time base, {@link System#nanoTime()} (the clock Netty's scheduler delays are measured on too),
 * and leaves a single point to look at when the schedule's timing is in question.
 */
final class MockClock {

    private MockClock() {}

    /** Now, in nanoseconds on the monotonic clock; only differences between readings mean anything. */
    @SuppressForbidden(reason = "the mock's clock itself")
    static long nanos() {
        return System.nanoTime();
    }
}
