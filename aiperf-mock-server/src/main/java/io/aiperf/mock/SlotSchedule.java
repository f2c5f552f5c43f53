package io.aiperf.mock;

/**
 * The arithmetic of {@link SaturationModel}: decode slots, each free from some time on, taken by
 * arrivals in order. Shared by the live server ({@link DecodeSlots}) and the model's predictions,
 * so that what the mock does and what it says it does are one piece of code.
 *
 * <p>Not thread-safe; arrivals must come in time order (FIFO).
 */
final class SlotSchedule {

    private final SaturationModel model;
    /** Per slot, the time its current request releases it (its last token). */
    private final long[] freeAt;
    private long lastArrival = Long.MIN_VALUE;

    SlotSchedule(SaturationModel model) {
        this.model = model;
        this.freeAt = new long[model.slots()];
        java.util.Arrays.fill(freeAt, Long.MIN_VALUE);
    }

    /**
     * Plans one request: it waits for the slot that frees first (every request before it in the
     * queue already took one), then prefills and decodes at the speed of the batch it joins.
     */
    SaturationModel.Admission admit(long arrivalNanos, long promptTokens, int outputTokens) {
        // Arrivals stamped on different event loops may be a hair out of order; FIFO needs order.
        long arrival = Math.max(arrivalNanos, lastArrival);
        lastArrival = arrival;
        int slot = 0;
        for (int i = 1; i < freeAt.length; i++) {
            if (freeAt[i] < freeAt[slot]) {
                slot = i;
            }
        }
        long start = Math.max(arrival, freeAt[slot]);
        int running = 1;
        for (int i = 0; i < freeAt.length; i++) {
            if (i != slot && freeAt[i] > start) {
                running++;
            }
        }
        long firstToken = start + model.prefillNanos(promptTokens);
        long itl = model.itlNanos(running);
        long lastToken = firstToken + Math.max(0, outputTokens - 1L) * itl;
        freeAt[slot] = lastToken;
        return new SaturationModel.Admission(arrival, start, firstToken, itl, lastToken, running);
    }
}
