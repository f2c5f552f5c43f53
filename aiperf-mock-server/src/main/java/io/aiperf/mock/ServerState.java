package io.aiperf.mock;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** What every connection of one server shares: options, counters and the error sampler. */
final class ServerState {

    final MockServerOptions options;
    final long ttftNanos;
    final long itlNanos;
    /** With separate events: how long before the first token the role event goes out. */
    final long roleLeadNanos;
    /** With separate events: the gap before each closing event. */
    final long tailGapNanos;
    final WriteLog writeLog;
    /** What became of each inference request: counted on the event loops, read by tests. */
    final OutcomeCounter outcomes = new OutcomeCounter();
    /** What {@code /metrics} and the fake GPUs' DCGM page report. */
    final ServerLoad load;
    /** The saturating server's decode slots, or null for the fixed TTFT and ITL. */
    final @Nullable DecodeSlots slots;
    private final LongAdder requests = new LongAdder();
    private final AtomicLong ids = new AtomicLong();
    private final double errorProbability;
    /** Null unless the rate is strictly between 0 and 100, so 0 and 100 never touch shared state. */
    private final @Nullable Random errorSampler;

    private final AtomicLong inference = new AtomicLong();
    private final java.util.concurrent.ConcurrentLinkedDeque<ReceivedRequest> received =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final long stallNanos;

    ServerState(MockServerOptions options) {
        this.stallNanos = options.fast() ? 0 : options.stall().toNanos();
        this.options = options;
        this.ttftNanos = options.effectiveTtft().toNanos();
        this.itlNanos = options.effectiveItl().toNanos();
        this.roleLeadNanos = options.fast() ? 0 : options.roleLead().toNanos();
        this.tailGapNanos = options.fast() ? 0 : options.tailGap().toNanos();
        this.writeLog = new WriteLog(options.recordWrites());
        this.load = new ServerLoad(options.gpus(), options.seed());
        this.slots = options.saturation().map(DecodeSlots::new).orElse(null);
        this.errorProbability = options.errorRate() / 100.0;
        this.faultSampler = new Random(options.seed() ^ 0xFA17L);
        this.refuseSampler = new Random(options.seed() ^ 0x2EF05EL);
        this.errorSampler = errorProbability > 0.0 && errorProbability < 1.0
                ? new Random(options.seed())
                : null;
    }

    void requestReceived() {
        requests.increment();
    }

    long requestCount() {
        return requests.sum();
    }

    void record(ReceivedRequest r) {
        int max = options.recordRequests();
        if (max > 0) {
            received.addLast(r);
            while (received.size() > max) {
                received.pollFirst();
            }
        }
    }

    java.util.List<ReceivedRequest> received() {
        return java.util.List.copyOf(received);
    }

    /** Extra delay before this inference request's first token: a stall every Nth request. */
    long stallNanos() {
        int every = options.stallEvery();
        if (every == 0 || stallNanos == 0) {
            return 0;
        }
        if (inference.incrementAndGet() % every != 0) {
            return 0;
        }
        outcomes.stall();
        return stallNanos;
    }

    /** What to do to one inference request instead of answering it well. */
    enum Fault { NONE, ERROR_500, RATE_LIMIT_429, DISCONNECT, MALFORMED, SLOW_DRIP }

    private final Random faultSampler;

    /** Picks this request's fault; the draws are seeded, so a run is repeatable. */
    Fault fault() {
        double r429 = options.rateLimitRate();
        double cut = options.disconnectRate();
        double bad = options.malformedRate();
        double drip = options.slowDripRate();
        if (r429 == 0 && cut == 0 && bad == 0 && drip == 0) {
            return injectError() ? Fault.ERROR_500 : Fault.NONE;
        }
        double u;
        synchronized (faultSampler) {
            u = faultSampler.nextDouble() * 100;
        }
        double err = options.errorRate();
        if (u < err) {
            return Fault.ERROR_500;
        } else if (u < err + r429) {
            return Fault.RATE_LIMIT_429;
        } else if (u < err + r429 + cut) {
            return Fault.DISCONNECT;
        } else if (u < err + r429 + cut + bad) {
            return Fault.MALFORMED;
        } else if (u < err + r429 + cut + bad + drip) {
            return Fault.SLOW_DRIP;
        }
        return Fault.NONE;
    }

    private final Random refuseSampler;

    /** Whether to close a just-accepted connection (a fault, counted); seeded, so runs repeat. */
    boolean refuseConnection() {
        double rate = options.refuseRate();
        if (rate <= 0) {
            return false;
        }
        boolean refuse;
        if (rate >= 100) {
            refuse = true;
        } else {
            synchronized (refuseSampler) {
                refuse = refuseSampler.nextDouble() * 100 < rate;
            }
        }
        if (refuse) {
            outcomes.refusedConnection();
        }
        return refuse;
    }

    boolean injectError() {
        if (errorSampler == null) {
            return errorProbability >= 1.0;
        }
        return errorSampler.nextDouble() < errorProbability;
    }

    /** Unique per server; mixed so ids look like opaque tokens rather than a counter. */
    String nextId(Endpoint endpoint) {
        return endpoint.idPrefix + Long.toHexString(Vocabulary.mix(ids.incrementAndGet() ^ options.seed()));
    }
}
