package io.aiperf.mock;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server is doing, as an inference server reports it on {@code /metrics} and its GPUs on
 * a DCGM exporter: requests waiting and running, the KV cache their tokens hold, token counters,
 * latency histograms from its own schedule, and the power the fake GPUs draw for that load.
 *
 * <p>Exchanges report to it from the event loops: admitted when routed, tokens as they are
 * written, ended once. Every counter is updated before the bytes it counts are written, so a
 * client that has read a response whole always finds it counted. Counters are adders; the
 * histograms and the energy integral take a short lock, a few times per request (never per
 * token). Pages are rendered when scraped, on the scraping connection's event loop.
 */
final class ServerLoad {

    /** KV-cache capacity in tokens: 16384 blocks of 16, about what an 80 GB GPU holds for an 8B model. */
    static final long KV_CACHE_TOKENS = 262_144;
    static final int KV_BLOCK_SIZE = 16;

    // vLLM's buckets (vllm/v1/metrics/loggers.py).
    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
        0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
        0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    private static final double[] REQUEST_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0,
        15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
    private static final double[] TOKEN_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000,
        5000, 10000, 20000, 50000, 100000};

    private final Set<Request> active = ConcurrentHashMap.newKeySet();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder generationTokens = new LongAdder();
    final LongAdder finishedStop = new LongAdder();
    final LongAdder finishedLength = new LongAdder();
    final LongAdder finishedAbort = new LongAdder();
    final LongAdder prefixQueries = new LongAdder();
    final MockHistogram ttft = new MockHistogram(TTFT_BUCKETS);
    final MockHistogram itl = new MockHistogram(ITL_BUCKETS);
    final MockHistogram e2e = new MockHistogram(REQUEST_BUCKETS);
    final MockHistogram queue = new MockHistogram(REQUEST_BUCKETS);
    final MockHistogram prefill = new MockHistogram(REQUEST_BUCKETS);
    final MockHistogram decode = new MockHistogram(REQUEST_BUCKETS);
    final MockHistogram promptLengths = new MockHistogram(TOKEN_BUCKETS);
    final MockHistogram generationLengths = new MockHistogram(TOKEN_BUCKETS);
    final FakeGpus gpus;

    ServerLoad(int gpus, long seed) {
        this.gpus = new FakeGpus(gpus, seed, MockClock.nanos());
    }

    /**
     * A request was routed and will be answered.
     *
     * @param receivedNanos when it arrived
     * @param scheduledNanos when its work starts (after an injected stall)
     * @param firstTokenDueNanos when its first token is due
     * @param answer what it will answer
     * @return its handle, to report progress and its end
     */
    Request admit(long receivedNanos, long scheduledNanos, long firstTokenDueNanos, Answer answer) {
        Request r = new Request(receivedNanos, scheduledNanos, firstTokenDueNanos,
                answer.promptTokens(), answer.tokens(), answer.finishReason());
        active.add(r);
        prefixQueries.add(r.prompt);
        gpus.loadChanged(receivedNanos, +1);
        return r;
    }

    /** Requests waiting (stalled before their work starts) and running, now. */
    int[] waitingAndRunning(long now) {
        int waiting = 0;
        int running = 0;
        for (Request r : active) {
            if (now < r.scheduled) {
                waiting++;
            } else {
                running++;
            }
        }
        return new int[] {waiting, running};
    }

    /** Tokens the running requests hold in the KV cache now: prompts plus tokens generated so far. */
    long kvTokens(long now, long itlNanos) {
        long tokens = 0;
        for (Request r : active) {
            if (now < r.scheduled) {
                continue;
            }
            long generated = r.written;
            if (r.firstWritten == 0 && now >= r.firstDue) {
                // A whole answer is generated on schedule before it is sent.
                generated = itlNanos <= 0 ? r.tokens
                        : Math.min(r.tokens, 1 + (now - r.firstDue) / itlNanos);
            }
            tokens += r.prompt + generated;
        }
        return Math.min(tokens, KV_CACHE_TOKENS);
    }

    /** One request's life on the server. Its methods run on its connection's event loop. */
    final class Request {
        final long received;
        final long scheduled;
        final long firstDue;
        final long prompt;
        final int tokens;
        final String finishReason;
        /** Tokens written so far; read by scrapes on other threads. */
        volatile int written;
        volatile long firstWritten;
        private long lastWritten;
        private boolean prefilled;
        private boolean ended;

        private Request(long received, long scheduled, long firstDue, long prompt, int tokens,
                String finishReason) {
            this.received = received;
            this.scheduled = scheduled;
            this.firstDue = firstDue;
            this.prompt = prompt;
            this.tokens = tokens;
            this.finishReason = finishReason;
        }

        /** {@code total} tokens of the answer are about to be written. */
        void wrote(int total, long now) {
            if (ended || total <= written) {
                return;
            }
            if (!prefilled) {
                prefill(now);
            }
            if (firstWritten == 0) {
                firstWritten = now;
            }
            lastWritten = now;
            generationTokens.add(total - written);
            written = total;
        }

        private void prefill(long now) {
            prefilled = true;
            promptTokens.add(prompt);
            promptLengths.observe(prompt, 1);
            prefill.observe(seconds(Math.max(0, Math.min(now, firstDue) - scheduled)), 1);
        }

        /**
         * The answer ended: its last byte is about to go out ({@code completed}), or it was cut or
         * abandoned with {@code total} tokens out.
         */
        void end(int total, boolean completed, long now) {
            if (ended) {
                return;
            }
            // A stream's tokens were written as they came; a whole answer goes out at its end,
            // generated on schedule before.
            boolean streamed = firstWritten != 0;
            long first = streamed ? firstWritten : Math.min(firstDue, now);
            wrote(total, now);
            long last = streamed ? Math.max(first, lastWritten) : now;
            ended = true;
            active.remove(this);
            gpus.loadChanged(now, -1);
            if (!completed) {
                finishedAbort.increment();
                return;
            }
            if ("length".equals(finishReason)) {
                finishedLength.increment();
            } else {
                finishedStop.increment();
            }
            if (total > 0) {
                ttft.observe(seconds(first - received), 1);
            }
            if (total > 1) {
                // One observation per token gap, each the answer's mean gap: vLLM observes every
                // gap; the mock's schedule makes them equal but for late wake-ups.
                itl.observe(seconds(last - first) / (total - 1), total - 1);
            }
            e2e.observe(seconds(now - received), 1);
            queue.observe(seconds(scheduled - received), 1);
            decode.observe(seconds(Math.max(0, now - first)), 1);
            generationLengths.observe(total, 1);
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
