package io.aiperf.mock;

import java.time.Duration;

/**
 * The rules {@link MockServerOptions.Builder#build()} applies, one method per kind of value, each
 * throwing {@link IllegalArgumentException} in the shape {@code "<name> was '<value>' but it must
 * be ..."}. The builder calls them in a fixed order, so the first invalid option is the one named.
 */
final class OptionChecks {

    /** Bounded so that ttft + itl * maxTokens stays well inside a long of nanoseconds. */
    private static final Duration MAX_DELAY = Duration.ofHours(1);

    private OptionChecks() {}

    static void host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(
                    "host was '" + host + "' but it must be a non-blank host name or IP address");
        }
    }

    static void port(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(
                    "port was '" + port + "' but it must be between 0 and 65535 (0 = any free port)");
        }
    }

    /** A delay from 0 to {@link #MAX_DELAY}. */
    static void delay(String name, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " was 'null' but it must be >= 0");
        }
        if (value.isNegative()) {
            throw new IllegalArgumentException(
                    name + " was '" + MockServerOptions.formatDuration(value) + "' but it must be >= 0");
        }
        if (value.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(
                    name + " was '" + MockServerOptions.formatDuration(value) + "' but it must be <= 1h");
        }
    }

    /** A delay as {@link #delay} that is not zero either. */
    static void positiveDelay(String name, Duration value) {
        delay(name, value);
        if (value.isZero()) {
            throw new IllegalArgumentException(name + " was '0ms' but it must be > 0");
        }
    }

    /**
     * The error rate and every fault rate are percentages; the per-request ones (all but the
     * refusal of connections, which happens before any request) share one draw, so their sum is one
     * too.
     */
    static void rates(double errorRate, double rateLimitRate, double disconnectRate, double malformedRate,
            double slowDripRate, double refuseRate) {
        if (!(errorRate >= 0.0 && errorRate <= 100.0)) {
            throw new IllegalArgumentException(
                    "errorRate was '" + errorRate + "' but it must be a percentage between 0 and 100");
        }
        for (double rate : new double[] {rateLimitRate, disconnectRate, malformedRate, slowDripRate, refuseRate}) {
            if (!(rate >= 0.0 && rate <= 100.0)) {
                throw new IllegalArgumentException("fault rate was '" + rate
                        + "' but it must be a percentage between 0 and 100");
            }
        }
        if (errorRate + rateLimitRate + disconnectRate + malformedRate + slowDripRate > 100.0 + 1e-9) {
            throw new IllegalArgumentException("error, 429, disconnect, malformed and slow-drip"
                    + " rates add up to more than 100 percent");
        }
    }

    /** A gap between events, which only separate events have. */
    static void eventGap(String name, Duration value, boolean separateEvents) {
        delay(name, value);
        if (!value.isZero() && !separateEvents) {
            throw new IllegalArgumentException(name + " was '" + MockServerOptions.formatDuration(value)
                    + "' but it must be 0 unless events are separate (separateEvents)");
        }
    }

    /** A count that may be 0; {@code hint} follows the rule in the message, e.g. " (0 = never)". */
    static void notNegative(String name, int value, String hint) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " was '" + value + "' but it must be >= 0" + hint);
        }
    }

    static void gpus(int gpus) {
        if (gpus < 1 || gpus > 64) {
            throw new IllegalArgumentException("gpus was '" + gpus + "' but it must be between 1 and 64");
        }
    }

    static void saturation(int slots, Duration prefillPerPromptToken, Duration itlPerRunningRequest,
            boolean fast) {
        if (slots < 0 || slots > 65536) {
            throw new IllegalArgumentException("slots was " + slots + " but it must be 0 (off) to 65536");
        }
        delay("prefillPerPromptToken", prefillPerPromptToken);
        delay("itlPerRunningRequest", itlPerRunningRequest);
        if (slots > 0 && fast) {
            throw new IllegalArgumentException("slots was " + slots
                    + " but a saturating server cannot be fast (no delays); drop one of them");
        }
    }
}
