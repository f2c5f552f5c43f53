package io.aiperf.mock;

import java.util.Locale;

/**
 * The fake GPUs behind the mock, as a tensor-parallel deployment sees them: every GPU works on
 * every request. A GPU's power is its idle power plus its dynamic range times the load, the
 * requests in flight over {@link #SATURATION} (capped at 1); its energy counter is the exact
 * integral of that power, which is a step function of the requests in flight.
 *
 * <p>The integral is kept as two sums updated at every change of the load: time, and the load
 * integrated over time; every GPU's energy follows from them. A bounded history of the changes
 * lets tests integrate the power over any recent window on their own.
 */
final class FakeGpus {

    /** Requests in flight at which a GPU draws its full power. */
    static final int SATURATION = 32;
    static final double MAX_WATTS = 700;
    static final double MEMORY_TOTAL_MIB = 81_559;
    static final double WEIGHTS_MIB = 16_384;
    private static final int HISTORY = 1 << 18;

    private final int count;
    private final String[] uuids;
    private final long origin;
    private long last;
    private int inFlight;
    /** Nanoseconds since the origin. */
    private long elapsed;
    /** The load (0..1) integrated over nanoseconds. */
    private double loadNanos;
    // A ring of (time, in flight after) at every change, oldest overwritten.
    private final long[] historyNanos = new long[HISTORY];
    private final int[] historyInFlight = new int[HISTORY];
    private long changes;

    FakeGpus(int count, long seed, long now) {
        this.count = count;
        this.origin = now;
        this.last = now;
        this.uuids = new String[count];
        for (int g = 0; g < count; g++) {
            long a = Vocabulary.mix(seed ^ (0x6A09E667F3BCC909L + g));
            long b = Vocabulary.mix(a ^ 0xBB67AE8584CAA73BL);
            String hex = String.format(Locale.ROOT, "%016x%016x", a, b);
            uuids[g] = "GPU-" + hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-"
                    + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-"
                    + hex.substring(20, 32);
        }
    }

    int count() {
        return count;
    }

    String uuid(int gpu) {
        return uuids[gpu];
    }

    static double idleWatts(int gpu) {
        return 60 + 5 * gpu;
    }

    private static double load(int inFlight) {
        return Math.min(1.0, inFlight / (double) SATURATION);
    }

    static double watts(int gpu, double load) {
        return idleWatts(gpu) + (MAX_WATTS - idleWatts(gpu)) * load;
    }

    synchronized void loadChanged(long now, int delta) {
        advance(now);
        inFlight += delta;
        int slot = (int) (changes++ % HISTORY);
        historyNanos[slot] = now;
        historyInFlight[slot] = inFlight;
    }

    private void advance(long now) {
        long dt = now - last;
        if (dt > 0) {
            elapsed += dt;
            loadNanos += load(inFlight) * dt;
            last = now;
        }
    }

    /** One GPU's state now: power (W), energy since the origin (J) and load (0..1). */
    synchronized double[] read(int gpu, long now) {
        advance(now);
        double energy = (idleWatts(gpu) * elapsed + (MAX_WATTS - idleWatts(gpu)) * loadNanos) / 1e9;
        double load = load(inFlight);
        return new double[] {watts(gpu, load), energy, load};
    }

    /**
     * The integral of one GPU's power over a window, from the history of load changes.
     *
     * @throws IllegalArgumentException if the window starts before the kept history or the origin
     */
    synchronized double joules(int gpu, long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("the window ends before it starts");
        }
        long kept = Math.min(changes, HISTORY);
        long oldest = kept == 0 ? last : historyNanos[(int) ((changes - kept) % HISTORY)];
        if (from < origin || (changes > HISTORY && from < oldest)) {
            throw new IllegalArgumentException("the window starts before the kept history");
        }
        double joules = 0;
        long t = from;
        int inFlightThen = 0;
        for (long i = changes - kept; i < changes; i++) {
            int slot = (int) (i % HISTORY);
            long at = historyNanos[slot];
            if (at > from) {
                long until = Math.min(at, to);
                if (until > t) {
                    joules += watts(gpu, load(inFlightThen)) * (until - t) / 1e9;
                    t = until;
                }
            }
            inFlightThen = historyInFlight[slot];
            if (at >= to) {
                break;
            }
        }
        if (to > t) {
            joules += watts(gpu, load(inFlightThen)) * (to - t) / 1e9;
        }
        return joules;
    }
}
