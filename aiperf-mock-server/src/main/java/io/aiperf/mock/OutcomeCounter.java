package io.aiperf.mock;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link Outcomes}: one {@link LongAdder} each, so event loops counting at
 * once never contend or wait on one another.
 */
final class OutcomeCounter {

    private final LongAdder received = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder internalServerErrors = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final LongAdder slowDrips = new LongAdder();
    private final LongAdder slowDripsAbandoned = new LongAdder();
    private final LongAdder stalls = new LongAdder();
    private final LongAdder refusedConnections = new LongAdder();

    void received() {
        received.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void completed() {
        completed.increment();
    }

    void internalServerError() {
        internalServerErrors.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void malformed() {
        malformed.increment();
    }

    void disconnected() {
        disconnected.increment();
    }

    void abandoned(boolean slowDrip) {
        abandoned.increment();
        if (slowDrip) {
            slowDripsAbandoned.increment(); // after abandoned, as snapshot() reads them the other way
        }
    }

    void slowDrip() {
        slowDrips.increment();
    }

    void stall() {
        stalls.increment();
    }

    void refusedConnection() {
        refusedConnections.increment();
    }

    Outcomes snapshot() {
        // Read each count after those it is a part of are incremented before: ends before
        // received, slow drips abandoned before abandoned and slow drips. A request ending during
        // the reads then makes inProgress() too large, never negative, and no part exceeds its whole.
        long rej = rejected.sum();
        long ok = completed.sum();
        long e500 = internalServerErrors.sum();
        long e429 = rateLimited.sum();
        long bad = malformed.sum();
        long cut = disconnected.sum();
        long slowGone = slowDripsAbandoned.sum();
        long gone = abandoned.sum();
        long slow = slowDrips.sum();
        return new Outcomes(received.sum(), rej, ok, e500, e429, bad, cut, gone, slow, slowGone,
                stalls.sum(), refusedConnections.sum());
    }
}
