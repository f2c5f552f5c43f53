package io.aiperf.mock;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * A server that saturates like a real one, stated exactly: a FIFO queue in front of a fixed number
 * of decode slots, a prefill cost proportional to the prompt and a per-token time that grows with
 * the running batch. {@link MockServerOptions.Builder#saturation(int, Duration, Duration)} turns
 * it on in the mock; the same class predicts what a client should measure, so tests can compare a
 * measurement with a known truth.
 *
 * <p>The model, for request {@code j} arriving at {@code a(j)} with {@code p(j)} prompt tokens and
 * {@code n(j)} output tokens:
 *
 * <ol>
 *   <li>Requests take slots in arrival order. {@code j} starts at {@code s(j) = max(a(j), f)},
 *       where {@code f} is the time the first slot is released after every earlier request took
 *       its own.
 *   <li>{@code b(j)} is the running batch at {@code s(j)}: the requests holding a slot then,
 *       {@code j} included.
 *   <li>Its first token comes at {@code s(j) + ttft + p(j) * prefillPerPromptToken}; each next
 *       token {@code itl + (b(j) - 1) * itlPerRunningRequest} later. So a request's speed is fixed
 *       by the batch it joins (a simplification of continuous batching, where it would change
 *       with every arrival and departure; it keeps the schedule exact at arrival).
 *   <li>It holds its slot until its last token.
 * </ol>
 *
 * <p>TTFT is then the queueing delay plus the prefill, ITL the per-token time of its batch, and
 * the capacity {@code slots / (ttft + p * prefill + (n - 1) * itl(slots))} requests per second.
 *
 * <p>Predictions ({@link #predictRate}, {@link #predictConcurrency}) run this model as a
 * deterministic simulation over the same arrivals a client makes (evenly spaced at a constant
 * rate, or a closed loop of users), not as a queueing formula: the result is exact for that
 * arrival sequence, overload included (where the queue, hence TTFT, grows with the run's length).
 * A real client adds its own network and scheduling jitter, typically well under a millisecond
 * on loopback. The lengths must be the ones the mock generates: with a natural stop
 * ({@link MockServerOptions#naturalStop()}, on for the standalone server and {@code --url mock})
 * an answer ends before {@code max_tokens} unless {@code ignore_eos} is sent, so pass each
 * answer's own length (the overloads taking an array), not the cap.
 *
 * <pre>{@code
 * SaturationModel m = SaturationModel.of(8, Duration.ofMillis(10), Duration.ofMicros(20),
 *     Duration.ofMillis(2), Duration.ofMicros(250));
 * double p99 = m.predictRate(50, 500, 100, 32).ttftPercentileMillis(99);
 * }</pre>
 */
public final class SaturationModel {

    private static final Duration MAX_DELAY = Duration.ofHours(1);
    private static final double NANOS_PER_MS = 1e6;

    private final int slots;
    private final Duration ttft;
    private final Duration prefillPerPromptToken;
    private final Duration itl;
    private final Duration itlPerRunningRequest;

    private SaturationModel(int slots, Duration ttft, Duration prefillPerPromptToken, Duration itl,
            Duration itlPerRunningRequest) {
        this.slots = slots;
        this.ttft = ttft;
        this.prefillPerPromptToken = prefillPerPromptToken;
        this.itl = itl;
        this.itlPerRunningRequest = itlPerRunningRequest;
    }

    /**
     * Makes a model.
     *
     * @param slots decode slots (the largest batch), 1 to 65536
     * @param ttft fixed part of the prefill, 0 to 1 hour
     * @param prefillPerPromptToken prefill time per prompt token, 0 to 1 hour
     * @param itl per-token time of a batch of one, 0 to 1 hour
     * @param itlPerRunningRequest what each other request in the batch adds to the per-token time,
     *     0 to 1 hour
     * @return the model
     * @throws IllegalArgumentException naming the first value out of range
     */
    public static SaturationModel of(int slots, Duration ttft, Duration prefillPerPromptToken,
            Duration itl, Duration itlPerRunningRequest) {
        if (slots < 1 || slots > 65536) {
            throw new IllegalArgumentException("slots was " + slots + " but it must be 1 to 65536");
        }
        check("ttft", ttft);
        check("prefillPerPromptToken", prefillPerPromptToken);
        check("itl", itl);
        check("itlPerRunningRequest", itlPerRunningRequest);
        return new SaturationModel(slots, ttft, prefillPerPromptToken, itl, itlPerRunningRequest);
    }

    private static void check(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(name + " was " + MockServerOptions.formatDuration(d)
                    + " but it must be from 0 to 1 hour");
        }
    }

    /**
     * Returns the number of decode slots.
     *
     * @return the largest batch
     */
    public int slots() {
        return slots;
    }

    /**
     * Returns the fixed part of the prefill.
     *
     * @return the time to first token of an empty prompt on an idle server
     */
    public Duration ttft() {
        return ttft;
    }

    /**
     * Returns the prefill time per prompt token.
     *
     * @return the time
     */
    public Duration prefillPerPromptToken() {
        return prefillPerPromptToken;
    }

    /**
     * Returns the per-token time of a batch of one.
     *
     * @return the inter-token latency on an idle server
     */
    public Duration itl() {
        return itl;
    }

    /**
     * Returns what each other running request adds to the per-token time.
     *
     * @return the growth per request in the batch
     */
    public Duration itlPerRunningRequest() {
        return itlPerRunningRequest;
    }

    long prefillNanos(long promptTokens) {
        return ttft.toNanos() + Math.max(0, promptTokens) * prefillPerPromptToken.toNanos();
    }

    long itlNanos(int runningBatch) {
        return itl.toNanos() + (runningBatch - 1L) * itlPerRunningRequest.toNanos();
    }

    /**
     * Returns the most requests per second the server completes, every slot busy.
     *
     * @param promptTokens prompt tokens per request
     * @param outputTokens output tokens per request
     * @return the capacity in requests per second
     */
    public double capacity(long promptTokens, int outputTokens) {
        double service = prefillNanos(promptTokens) + Math.max(0, outputTokens - 1L) * (double) itlNanos(slots);
        return service <= 0 ? Double.POSITIVE_INFINITY : slots * 1e9 / service;
    }

    /**
     * Predicts what a client measures sending {@code requests} requests evenly spaced at a
     * constant rate, the first at time 0, to an idle server. Every answer has
     * {@code outputTokens} tokens: what the mock generates when it stops at {@code max_tokens}
     * (natural stop off, the library's default, or {@code ignore_eos}); with a natural stop give
     * each answer's own length ({@link #predictRate(double, long, int[])}).
     *
     * @param requestsPerSecond the rate, &gt; 0
     * @param requests how many requests, &gt; 0
     * @param promptTokens prompt tokens per request (as the mock counts them: words)
     * @param outputTokens output tokens per request, &gt; 0
     * @return the prediction
     * @throws IllegalArgumentException for a value out of range
     */
    public Prediction predictRate(double requestsPerSecond, int requests, long promptTokens,
            int outputTokens) {
        return predictRate(requestsPerSecond, promptTokens, same(requests, outputTokens));
    }

    /**
     * Predicts what a client measures sending one request per given answer length, evenly
     * spaced at a constant rate, the first at time 0, to an idle server. Request {@code i}'s
     * answer has {@code outputTokens[i]} tokens: a mock with a natural stop ends an answer
     * before {@code max_tokens} (see {@link MockServerOptions.Builder#naturalStop}), and holds
     * its decode slot only that long, so a prediction from {@code max_tokens} would be wrong.
     *
     * @param requestsPerSecond the rate, &gt; 0
     * @param promptTokens prompt tokens per request (as the mock counts them: words)
     * @param outputTokens each request's output tokens, in arrival order, each &gt; 0
     * @return the prediction
     * @throws IllegalArgumentException for a value out of range
     */
    public Prediction predictRate(double requestsPerSecond, long promptTokens, int[] outputTokens) {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond was " + requestsPerSecond
                    + " but it must be a finite number > 0");
        }
        long[] arrivals = new long[outputTokens.length];
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = Math.round(i * 1e9 / requestsPerSecond);
        }
        return predictArrivals(arrivals, promptTokens, outputTokens);
    }

    /**
     * Predicts what the server does with requests arriving at given times: the general form of
     * {@link #predictRate}, for arrivals a test recorded (e.g. {@link SentStream#startNanos()}
     * and the number of {@link SentEvent.Kind#CONTENT} events of each of the mock's answers).
     *
     * @param arrivalNanos each request's arrival, in order, on any one clock
     * @param promptTokens prompt tokens per request (as the mock counts them: words)
     * @param outputTokens each request's output tokens, each &gt; 0, as many as arrivals
     * @return the prediction, its times on the clock of {@code arrivalNanos}
     * @throws IllegalArgumentException for a value out of range
     */
    public Prediction predictArrivals(long[] arrivalNanos, long promptTokens, int[] outputTokens) {
        checkCounts(outputTokens);
        if (arrivalNanos.length != outputTokens.length) {
            throw new IllegalArgumentException("arrivalNanos has " + arrivalNanos.length
                    + " values but outputTokens " + outputTokens.length + "; give one of each per request");
        }
        SlotSchedule schedule = new SlotSchedule(this);
        Admission[] planned = new Admission[arrivalNanos.length];
        for (int i = 0; i < planned.length; i++) {
            planned[i] = schedule.admit(arrivalNanos[i], promptTokens, outputTokens[i]);
        }
        return new Prediction(planned, outputTokens.clone());
    }

    /**
     * Predicts what a client measures keeping {@code concurrency} requests in flight (each user
     * sends its next request the moment the previous one ends, all starting at time 0), until
     * {@code requests} were sent; every answer has {@code outputTokens} tokens (see
     * {@link #predictRate(double, int, long, int)} for when that holds).
     *
     * @param concurrency users, &gt; 0
     * @param requests how many requests, &gt; 0
     * @param promptTokens prompt tokens per request (as the mock counts them: words)
     * @param outputTokens output tokens per request, &gt; 0
     * @return the prediction
     * @throws IllegalArgumentException for a value out of range
     */
    public Prediction predictConcurrency(int concurrency, int requests, long promptTokens,
            int outputTokens) {
        return predictConcurrency(concurrency, promptTokens, same(requests, outputTokens));
    }

    /**
     * Predicts a closed loop of {@code concurrency} users as
     * {@link #predictConcurrency(int, int, long, int)} does, request {@code i} (in the order
     * sent) answering {@code outputTokens[i]} tokens: the lengths a mock with a natural stop
     * really generates.
     *
     * @param concurrency users, &gt; 0
     * @param promptTokens prompt tokens per request (as the mock counts them: words)
     * @param outputTokens each request's output tokens, in the order sent, each &gt; 0
     * @return the prediction
     * @throws IllegalArgumentException for a value out of range
     */
    public Prediction predictConcurrency(int concurrency, long promptTokens, int[] outputTokens) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency was " + concurrency + " but it must be > 0");
        }
        checkCounts(outputTokens);
        int requests = outputTokens.length;
        SlotSchedule schedule = new SlotSchedule(this);
        PriorityQueue<long[]> ready = new PriorityQueue<>((x, y) -> x[0] != y[0]
                ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (int u = 0; u < Math.min(concurrency, requests); u++) {
            ready.add(new long[] {0, u});
        }
        Admission[] planned = new Admission[requests];
        for (int i = 0; i < requests; i++) {
            long[] user = ready.poll();
            planned[i] = schedule.admit(user[0], promptTokens, outputTokens[i]);
            ready.add(new long[] {planned[i].lastTokenNanos(), user[1]});
        }
        return new Prediction(planned, outputTokens.clone());
    }

    /**
     * Finds the highest constant rate whose prediction still passes {@code meets}, by bisection
     * between {@code lo} and {@code hi} to a relative precision of 0.1 %; {@code meets} must pass
     * below some rate and fail above it.
     *
     * @param lo lowest rate to consider, &gt; 0
     * @param hi highest rate to consider, &gt; lo
     * @param requests requests per prediction
     * @param promptTokens prompt tokens per request
     * @param outputTokens output tokens per request
     * @param meets whether a prediction meets the objectives
     * @return the rate; {@code NaN} when even {@code lo} fails, {@code hi} when {@code hi} passes
     */
    public double maxRate(double lo, double hi, int requests, long promptTokens, int outputTokens,
            Predicate<Prediction> meets) {
        if (!meets.test(predictRate(lo, requests, promptTokens, outputTokens))) {
            return Double.NaN;
        }
        if (meets.test(predictRate(hi, requests, promptTokens, outputTokens))) {
            return hi;
        }
        double pass = lo;
        double fail = hi;
        while (fail / pass - 1 > 1e-3) {
            double mid = Math.sqrt(pass * fail);
            if (meets.test(predictRate(mid, requests, promptTokens, outputTokens))) {
                pass = mid;
            } else {
                fail = mid;
            }
        }
        return pass;
    }

    private static int[] same(int requests, int outputTokens) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests was " + requests + " but it must be > 0");
        }
        int[] out = new int[requests];
        Arrays.fill(out, outputTokens);
        return out;
    }

    private static void checkCounts(int[] outputTokens) {
        if (outputTokens.length < 1) {
            throw new IllegalArgumentException("requests was 0 but it must be > 0");
        }
        for (int n : outputTokens) {
            if (n < 1) {
                throw new IllegalArgumentException("outputTokens was " + n + " but it must be > 0");
            }
        }
    }

    @Override
    public String toString() {
        return "SaturationModel{slots=" + slots + ", ttft=" + MockServerOptions.formatDuration(ttft)
                + ", prefillPerPromptToken=" + MockServerOptions.formatDuration(prefillPerPromptToken)
                + ", itl=" + MockServerOptions.formatDuration(itl) + ", itlPerRunningRequest="
                + MockServerOptions.formatDuration(itlPerRunningRequest) + '}';
    }

    /**
     * The planned timing of one request.
     *
     * @param arrivalNanos when it arrived
     * @param startNanos when it took a slot
     * @param firstTokenNanos when its first token is due
     * @param itlNanos its per-token time
     * @param lastTokenNanos when its last token is due (and its slot released)
     * @param batch the running batch it joined, itself included
     */
    public record Admission(long arrivalNanos, long startNanos, long firstTokenNanos, long itlNanos,
            long lastTokenNanos, int batch) {}

    /**
     * What a client should measure for a sequence of requests, per request and summarised.
     * Percentiles interpolate linearly between ranks, as AIPerf (numpy) does.
     */
    public static final class Prediction {
        private final Admission[] planned;
        /** Each request's answer length: an ITL exists only for answers of two tokens or more. */
        private final int[] outputTokens;

        Prediction(Admission[] planned, int[] outputTokens) {
            this.planned = planned;
            this.outputTokens = outputTokens;
        }

        /**
         * Returns the planned timing of every request, in arrival order.
         *
         * @return a copy of the plan
         */
        public java.util.List<Admission> requests() {
            return java.util.List.of(planned);
        }

        private double[] ttfts() {
            return Arrays.stream(planned)
                    .mapToDouble(a -> (a.firstTokenNanos() - a.arrivalNanos()) / NANOS_PER_MS).toArray();
        }

        private double[] latencies() {
            return Arrays.stream(planned)
                    .mapToDouble(a -> (a.lastTokenNanos() - a.arrivalNanos()) / NANOS_PER_MS).toArray();
        }

        private double[] itls() {
            double[] out = new double[planned.length];
            int n = 0;
            for (int i = 0; i < planned.length; i++) {
                if (outputTokens[i] >= 2) {
                    out[n++] = planned[i].itlNanos() / NANOS_PER_MS;
                }
            }
            return Arrays.copyOf(out, n);
        }

        /**
         * Returns the mean time to first token.
         *
         * @return milliseconds
         */
        public double meanTtftMillis() {
            return Arrays.stream(ttfts()).average().orElse(Double.NaN);
        }

        /**
         * Returns a percentile of the time to first token.
         *
         * @param percent 0 to 100
         * @return milliseconds
         */
        public double ttftPercentileMillis(double percent) {
            return percentile(ttfts(), percent);
        }

        /**
         * Returns the mean inter-token latency (of requests with more than one token).
         *
         * @return milliseconds; NaN when every answer has one token
         */
        public double meanItlMillis() {
            return Arrays.stream(itls()).average().orElse(Double.NaN);
        }

        /**
         * Returns a percentile of the per-request inter-token latency.
         *
         * @param percent 0 to 100
         * @return milliseconds; NaN when every answer has one token
         */
        public double itlPercentileMillis(double percent) {
            double[] itls = itls();
            return itls.length == 0 ? Double.NaN : percentile(itls, percent);
        }

        /**
         * Returns the mean request latency (arrival to last token).
         *
         * @return milliseconds
         */
        public double meanLatencyMillis() {
            return Arrays.stream(latencies()).average().orElse(Double.NaN);
        }

        /**
         * Returns a percentile of the request latency.
         *
         * @param percent 0 to 100
         * @return milliseconds
         */
        public double latencyPercentileMillis(double percent) {
            return percentile(latencies(), percent);
        }

        /**
         * Returns the share of requests meeting every given per-request limit (AIPerf's good
         * request fraction); a null limit is not checked.
         *
         * @param ttft limit on the time to first token, or null
         * @param itl limit on the inter-token latency, or null
         * @param latency limit on the request latency, or null
         * @return 0 to 1
         */
        public double goodFraction(@org.jspecify.annotations.Nullable Duration ttft,
                @org.jspecify.annotations.Nullable Duration itl,
                @org.jspecify.annotations.Nullable Duration latency) {
            int good = 0;
            for (int i = 0; i < planned.length; i++) {
                Admission a = planned[i];
                if ((ttft == null || a.firstTokenNanos() - a.arrivalNanos() <= ttft.toNanos())
                        && (itl == null || outputTokens[i] < 2 || a.itlNanos() <= itl.toNanos())
                        && (latency == null || a.lastTokenNanos() - a.arrivalNanos() <= latency.toNanos())) {
                    good++;
                }
            }
            return good / (double) planned.length;
        }

        /**
         * Returns completed requests per second, from the first arrival to the last token.
         *
         * @return requests per second
         */
        public double requestThroughput() {
            long first = planned[0].arrivalNanos();
            long last = Arrays.stream(planned).mapToLong(Admission::lastTokenNanos).max().orElse(first);
            return last == first ? Double.POSITIVE_INFINITY : planned.length * 1e9 / (last - first);
        }

        private static double percentile(double[] values, double percent) {
            double[] v = values.clone();
            Arrays.sort(v);
            double rank = percent / 100.0 * (v.length - 1);
            int lo = (int) Math.floor(rank);
            int hi = (int) Math.ceil(rank);
            return v[lo] + (v[hi] - v[lo]) * (rank - lo);
        }
    }
}
