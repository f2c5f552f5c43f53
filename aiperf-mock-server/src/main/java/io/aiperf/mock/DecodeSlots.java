package io.aiperf.mock;

/**
 * The live server's decode slots: one {@link SlotSchedule} for every connection and event loop.
 * A request's whole timing is fixed when it arrives (see {@link SaturationModel}), so the lock is
 * held for a few comparisons per request and no timer of its own is needed.
 */
final class DecodeSlots {

    private final SlotSchedule schedule;
    private final Object lock = new Object();

    DecodeSlots(SaturationModel model) {
        this.schedule = new SlotSchedule(model);
    }

    SaturationModel.Admission admit(long arrivalNanos, long promptTokens, int outputTokens) {
        synchronized (lock) {
            return schedule.admit(arrivalNanos, promptTokens, outputTokens);
        }
    }
}
