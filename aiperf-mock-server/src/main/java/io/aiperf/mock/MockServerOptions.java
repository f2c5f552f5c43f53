package io.aiperf.mock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

// Over the ~500-line guideline on purpose: what remains is the public surface, an accessor and a
// builder setter with Javadoc per option. The setters must stay on the nested public type
// MockServerOptions.Builder (moving it would rename a public type), and options are grouped by the
// builder's own methods (faults, slowDrip, stall) already; the validation rules live in
// OptionChecks.

/**
 * Immutable settings of a {@link MockLlmServer}.
 *
 * <p>Create with {@link #builder()}; every option has a default, so {@code
 * MockServerOptions.builder().build()} describes a server on {@code 127.0.0.1:8000} with a 20 ms
 * time to first token and a 5 ms inter-token latency, the same defaults as AIPerf's Python mock
 * server.
 */
public final class MockServerOptions {

    /** Default listen host. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default listen port. */
    public static final int DEFAULT_PORT = 8000;
    /** Default time to first token. */
    public static final Duration DEFAULT_TTFT = Duration.ofMillis(20);
    /** Default inter-token latency. */
    public static final Duration DEFAULT_ITL = Duration.ofMillis(5);

    private final String host;
    private final int port;
    private final Duration ttft;
    private final Duration itl;
    private final double errorRate;
    private final long seed;
    private final boolean fast;
    private final int ioThreads;
    private final int stallEvery;
    private final Duration stall;
    private final int recordRequests;
    private final double rateLimitRate;
    private final double disconnectRate;
    private final double malformedRate;
    private final int reasoningTokens;
    private final int cachedPromptTokens;
    private final int maxModelLen;
    private final double slowDripRate;
    private final Duration slowDripInterval;
    private final double refuseRate;
    private final Duration idleTimeout;
    private final boolean tls;
    private final @Nullable Path tlsCertificateChain;
    private final @Nullable Path tlsPrivateKey;

    private final boolean separateEvents;
    private final Duration roleLead;
    private final Duration tailGap;
    private final int recordWrites;
    private final int gpus;
    private final boolean naturalStop;
    private final @Nullable SaturationModel saturation;
    private final @Nullable ThreadFactory ioThreadFactory;

    private MockServerOptions(Builder b) {
        this.ioThreadFactory = b.ioThreadFactory;
        this.naturalStop = b.naturalStop;
        this.gpus = b.gpus;
        this.saturation = b.slots == 0 ? null
                : SaturationModel.of(b.slots, b.ttft, b.prefillPerPromptToken, b.itl, b.itlPerRunningRequest);
        this.tls = b.tls;
        this.tlsCertificateChain = b.tlsCertificateChain;
        this.tlsPrivateKey = b.tlsPrivateKey;
        this.separateEvents = b.separateEvents;
        this.roleLead = b.roleLead;
        this.tailGap = b.tailGap;
        this.recordWrites = b.recordWrites;
        this.reasoningTokens = b.reasoningTokens;
        this.cachedPromptTokens = b.cachedPromptTokens;
        this.maxModelLen = b.maxModelLen;
        this.slowDripRate = b.slowDripRate;
        this.slowDripInterval = b.slowDripInterval;
        this.refuseRate = b.refuseRate;
        this.idleTimeout = b.idleTimeout;
        this.rateLimitRate = b.rateLimitRate;
        this.disconnectRate = b.disconnectRate;
        this.malformedRate = b.malformedRate;
        this.recordRequests = b.recordRequests;
        this.stallEvery = b.stallEvery;
        this.stall = b.stall;
        this.host = b.host;
        this.port = b.port;
        this.ttft = b.ttft;
        this.itl = b.itl;
        this.errorRate = b.errorRate;
        this.seed = b.seed;
        this.fast = b.fast;
        this.ioThreads = b.ioThreads;
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised with this instance's values, to derive a variant.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .ttft(ttft)
                .itl(itl)
                .errorRate(errorRate)
                .seed(seed)
                .fast(fast)
                .ioThreads(ioThreads)
                .ioThreadFactory(ioThreadFactory)
                .stall(stallEvery, stall)
                .recordRequests(recordRequests)
                .faults(rateLimitRate, disconnectRate, malformedRate)
                .reasoningTokens(reasoningTokens)
                .cachedPromptTokens(cachedPromptTokens)
                .maxModelLen(maxModelLen)
                .slowDrip(slowDripRate, slowDripInterval)
                .refuseRate(refuseRate)
                .idleTimeout(idleTimeout)
                .tlsFrom(tls, tlsCertificateChain, tlsPrivateKey)
                .separateEvents(separateEvents)
                .roleLead(roleLead)
                .tailGap(tailGap)
                .recordWrites(recordWrites)
                .gpus(gpus)
                .naturalStop(naturalStop)
                .saturation(saturation == null ? 0 : saturation.slots(),
                        saturation == null ? Duration.ZERO : saturation.prefillPerPromptToken(),
                        saturation == null ? Duration.ZERO : saturation.itlPerRunningRequest());
    }

    /**
     * Returns the saturating server model, when {@link Builder#saturation} turned it on: decode
     * slots with a queue in front, built with this server's {@link #ttft()} and {@link #itl()}.
     *
     * @return the model, empty for the plain fixed TTFT and ITL
     */
    public Optional<SaturationModel> saturation() {
        return Optional.ofNullable(saturation);
    }

    /**
     * Returns how many fake GPUs the DCGM page at {@code /dcgm/metrics} reports.
     *
     * @return the count, at least 1
     */
    public int gpus() {
        return gpus;
    }

    // --- TLS ---------------------------------------------------------------------------------

    /**
     * Returns whether the server speaks HTTPS: TLS on the port, then HTTP/2 or HTTP/1.1 as ALPN
     * negotiates (HTTP/1.1 for a client that offers no ALPN). Cleartext HTTP is then refused.
     *
     * @return {@code true} for HTTPS
     */
    public boolean tls() {
        return tls;
    }

    /**
     * Returns the PEM file of the certificate chain given with
     * {@link Builder#tlsCertificate(Path, Path)}; empty when the server makes its own
     * self-signed certificate (or does not use TLS).
     *
     * @return the certificate chain file, server certificate first
     */
    public Optional<Path> tlsCertificateChain() {
        return Optional.ofNullable(tlsCertificateChain);
    }

    /**
     * Returns the PEM file of the private key given with {@link Builder#tlsCertificate(Path, Path)}.
     *
     * @return the unencrypted PKCS#8 private key file, empty when none was given
     */
    public Optional<Path> tlsPrivateKey() {
        return Optional.ofNullable(tlsPrivateKey);
    }

    /**
     * Returns whether every event of a stream goes out in a write of its own (the chat role
     * apart from the first token, the usage chunk and {@code [DONE]} apart from the last).
     *
     * @return {@code true} when events are separate
     */
    public boolean separateEvents() {
        return separateEvents;
    }

    /**
     * Returns how long before the first token the chat role event goes out, with
     * {@link #separateEvents()}.
     *
     * @return the lead, zero by default
     */
    public Duration roleLead() {
        return roleLead;
    }

    /**
     * Returns the gap before each closing event of a stream (the usage chunk, {@code [DONE]}),
     * with {@link #separateEvents()}.
     *
     * @return the gap, zero by default
     */
    public Duration tailGap() {
        return tailGap;
    }

    /**
     * Returns how many streamed answers' write logs are kept for inspection.
     *
     * @return the number, 0 for none
     */
    public int recordWrites() {
        return recordWrites;
    }

    /**
     * Returns whether answers stop on their own before {@code max_tokens}, as a model meets its
     * end of sequence, unless the request sets {@code ignore_eos} or {@code min_tokens}.
     *
     * @return true to stop naturally; false to answer exactly {@code max_tokens}
     */
    public boolean naturalStop() {
        return naturalStop;
    }

    /**
     * Returns how many reasoning tokens a generative answer starts with (chat
     * {@code reasoning_content}, Responses reasoning events, Anthropic thinking blocks).
     *
     * @return the tokens, 0 for none
     */
    public int reasoningTokens() {
        return reasoningTokens;
    }

    /**
     * Returns how many of each prompt's tokens the answers report as served from a prefix cache.
     *
     * @return tokens, 0 for none
     */
    public int cachedPromptTokens() {
        return cachedPromptTokens;
    }

    /**
     * Returns the context length past which a generative request is refused, as vLLM's
     * {@code --max-model-len}.
     *
     * @return tokens, 0 for no limit
     */
    public int maxModelLen() {
        return maxModelLen;
    }

    /**
     * Returns the percent of inference requests whose answer is trickled one byte at a time.
     *
     * @return percent
     */
    public double slowDripRate() {
        return slowDripRate;
    }

    /**
     * Returns the pause between two bytes of a slow-drip answer.
     *
     * @return the pause
     */
    public Duration slowDripInterval() {
        return slowDripInterval;
    }

    /**
     * Returns the percent of accepted connections closed at once, before any byte is read.
     *
     * @return percent
     */
    public double refuseRate() {
        return refuseRate;
    }

    /**
     * Returns how long a keep-alive connection may sit idle (no request in progress, nothing read
     * or written) before the server closes it.
     *
     * @return the idle time, zero for never
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Returns the percent of inference requests answered 429 with {@code Retry-After}.
     *
     * @return percent
     */
    public double rateLimitRate() {
        return rateLimitRate;
    }

    /**
     * Returns the percent of inference requests whose connection is cut halfway through the answer.
     *
     * @return percent
     */
    public double disconnectRate() {
        return disconnectRate;
    }

    /**
     * Returns the percent of inference requests answered with malformed bytes instead of a response.
     *
     * @return percent
     */
    public double malformedRate() {
        return malformedRate;
    }

    /**
     * Returns how many received requests are kept for inspection.
     *
     * @return the number, 0 for none
     */
    public int recordRequests() {
        return recordRequests;
    }

    /**
     * Returns how often a request stalls: every Nth inference request waits {@link #stall()} more
     * before its first token.
     *
     * @return N, 0 for never
     */
    public int stallEvery() {
        return stallEvery;
    }

    /**
     * Returns the extra time to first token of a stalled request.
     *
     * @return the stall
     */
    public Duration stall() {
        return stall;
    }

    /**
     * Returns the host name or IP address to listen on.
     *
     * @return the listen host
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port to listen on; 0 lets the operating system pick a free one.
     *
     * @return the configured port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the configured time to first token (ignored when {@link #fast()} is set).
     *
     * @return the time to first token
     */
    public Duration ttft() {
        return ttft;
    }

    /**
     * Returns the configured inter-token latency (ignored when {@link #fast()} is set).
     *
     * @return the inter-token latency
     */
    public Duration itl() {
        return itl;
    }

    /**
     * Returns the percentage (0 to 100) of inference requests answered with HTTP 500.
     *
     * @return the error rate in percent
     */
    public double errorRate() {
        return errorRate;
    }

    /**
     * Returns the random seed used for error sampling, default output lengths and output words.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns whether every delay is zero, so the server answers as fast as it can.
     *
     * @return {@code true} in fast mode
     */
    public boolean fast() {
        return fast;
    }

    /**
     * Returns the number of I/O threads; 0 means one per available processor.
     *
     * @return the configured I/O thread count
     */
    public int ioThreads() {
        return ioThreads;
    }

    /**
     * Returns what makes the accepting and I/O threads, null for Netty's default (ordinary
     * daemon threads).
     *
     * @return the factory given to {@link Builder#ioThreadFactory}, or null
     */
    public @Nullable ThreadFactory ioThreadFactory() {
        return ioThreadFactory;
    }

    /** The time to first token actually applied: zero in fast mode. */
    Duration effectiveTtft() {
        return fast ? Duration.ZERO : ttft;
    }

    /** The inter-token latency actually applied: zero in fast mode. */
    Duration effectiveItl() {
        return fast ? Duration.ZERO : itl;
    }

    /** The I/O thread count with 0 resolved. */
    int effectiveIoThreads() {
        return ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
    }

    /**
     * Equal when every option is: two servers built from equal options answer alike. The thread
     * factory is not an option of the answers and is left out.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MockServerOptions)) {
            return false;
        }
        MockServerOptions that = (MockServerOptions) o;
        return port == that.port
                && Double.compare(errorRate, that.errorRate) == 0
                && seed == that.seed
                && fast == that.fast
                && ioThreads == that.ioThreads
                && stallEvery == that.stallEvery
                && recordRequests == that.recordRequests
                && Double.compare(rateLimitRate, that.rateLimitRate) == 0
                && Double.compare(disconnectRate, that.disconnectRate) == 0
                && Double.compare(malformedRate, that.malformedRate) == 0
                && reasoningTokens == that.reasoningTokens
                && cachedPromptTokens == that.cachedPromptTokens
                && maxModelLen == that.maxModelLen
                && Double.compare(slowDripRate, that.slowDripRate) == 0
                && Double.compare(refuseRate, that.refuseRate) == 0
                && tls == that.tls
                && separateEvents == that.separateEvents
                && recordWrites == that.recordWrites
                && gpus == that.gpus
                && naturalStop == that.naturalStop
                && host.equals(that.host)
                && ttft.equals(that.ttft)
                && itl.equals(that.itl)
                && stall.equals(that.stall)
                && slowDripInterval.equals(that.slowDripInterval)
                && idleTimeout.equals(that.idleTimeout)
                && roleLead.equals(that.roleLead)
                && tailGap.equals(that.tailGap)
                && Objects.equals(tlsCertificateChain, that.tlsCertificateChain)
                && Objects.equals(tlsPrivateKey, that.tlsPrivateKey)
                && saturationKey().equals(that.saturationKey());
    }

    /** The saturation model's own options; the model itself has no value equality. */
    private List<Object> saturationKey() {
        SaturationModel m = saturation;
        return m == null ? List.of()
                : List.of(m.slots(), m.prefillPerPromptToken(), m.itlPerRunningRequest());
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, ttft, itl, errorRate, seed, fast, ioThreads, stallEvery,
                stall, recordRequests, rateLimitRate, disconnectRate, malformedRate,
                reasoningTokens, cachedPromptTokens, maxModelLen, slowDripRate, slowDripInterval,
                refuseRate, idleTimeout, tls, tlsCertificateChain, tlsPrivateKey, separateEvents,
                roleLead, tailGap, recordWrites, gpus, naturalStop, saturationKey());
    }

    @Override
    public String toString() {
        return "MockServerOptions{host=" + host
                + ", port=" + port
                + ", ttft=" + formatDuration(ttft)
                + ", itl=" + formatDuration(itl)
                + ", errorRate=" + errorRate
                + ", seed=" + seed
                + ", fast=" + fast
                + ", ioThreads=" + ioThreads
                + (reasoningTokens > 0 ? ", reasoningTokens=" + reasoningTokens : "")
                + (cachedPromptTokens > 0 ? ", cachedPromptTokens=" + cachedPromptTokens : "")
                + (maxModelLen > 0 ? ", maxModelLen=" + maxModelLen : "")
                + (slowDripRate > 0 ? ", slowDripRate=" + slowDripRate + ", slowDripInterval="
                        + formatDuration(slowDripInterval) : "")
                + (refuseRate > 0 ? ", refuseRate=" + refuseRate : "")
                + (gpus != 1 ? ", gpus=" + gpus : "")
                + (naturalStop ? ", naturalStop=true" : "")
                + (saturation != null ? ", saturation=" + saturation : "")
                + (idleTimeout.isZero() ? "" : ", idleTimeout=" + formatDuration(idleTimeout))
                + (tls ? ", tls=" + (tlsCertificateChain == null ? "self-signed" : tlsCertificateChain) : "")
                + (separateEvents ? ", separateEvents=true, roleLead=" + formatDuration(roleLead)
                        + ", tailGap=" + formatDuration(tailGap) : "")
                + '}';
    }

    /** Millisecond notation reads better in messages than ISO-8601 ({@code PT0.02S}). */
    static String formatDuration(Duration d) {
        if (d.getNano() % 1_000_000 == 0) {
            return d.toMillis() + "ms";
        }
        return d.toNanos() + "ns";
    }

    /** Mutable builder of {@link MockServerOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Duration ttft = DEFAULT_TTFT;
        private Duration itl = DEFAULT_ITL;
        private double errorRate;
        private long seed;
        private boolean fast;
        private int ioThreads;
        private int stallEvery;
        private Duration stall = Duration.ZERO;
        private int recordRequests;
        private double rateLimitRate;
        private double disconnectRate;
        private double malformedRate;
        private boolean naturalStop;
        private int reasoningTokens;
        private int cachedPromptTokens;
        private int maxModelLen;
        private double slowDripRate;
        private Duration slowDripInterval = Duration.ofMillis(100);
        private double refuseRate;
        private Duration idleTimeout = Duration.ZERO;
        private boolean tls;
        private @Nullable Path tlsCertificateChain;
        private @Nullable Path tlsPrivateKey;
        private boolean separateEvents;
        private Duration roleLead = Duration.ZERO;
        private Duration tailGap = Duration.ZERO;
        private int recordWrites;
        private @Nullable ThreadFactory ioThreadFactory;
        private int gpus = 1;
        private int slots;
        private Duration prefillPerPromptToken = Duration.ZERO;
        private Duration itlPerRunningRequest = Duration.ZERO;

        private Builder() {}

        /**
         * Makes the server saturate like a real one (see {@link SaturationModel}): {@code slots}
         * requests decode at once and the rest wait in a FIFO queue; the first token comes
         * {@link #ttft} plus {@code prefillPerPromptToken} per prompt token after a request takes
         * a slot, and each next one {@link #itl} plus {@code itlPerRunningRequest} per other
         * running request later. Off by default (0 slots: every request gets the fixed TTFT and
         * ITL at once). Not with {@link #fast}.
         *
         * @param slots decode slots, 0 (off) to 65536
         * @param prefillPerPromptToken prefill time per prompt token, 0 to 1 hour
         * @param itlPerRunningRequest per-token time each other running request adds, 0 to 1 hour
         * @return this builder
         */
        public Builder saturation(int slots, Duration prefillPerPromptToken, Duration itlPerRunningRequest) {
            this.slots = slots;
            this.prefillPerPromptToken = Objects.requireNonNull(prefillPerPromptToken, "prefillPerPromptToken");
            this.itlPerRunningRequest = Objects.requireNonNull(itlPerRunningRequest, "itlPerRunningRequest");
            return this;
        }

        // --- TLS -----------------------------------------------------------------------------

        /**
         * Serves HTTPS (default {@code false}): HTTP/2 and HTTP/1.1 negotiated by ALPN on the one
         * TLS port, with the same answers and TTFT/ITL schedule as in cleartext. Unless
         * {@link #tlsCertificate(Path, Path)} gives one, the server makes a self-signed
         * certificate at start for {@code localhost} and {@code 127.0.0.1} (subject alternative
         * names for both); {@link MockLlmServer#certificatePem()} tells a client what to trust.
         * {@code tls(false)} also forgets a given certificate.
         *
         * @param tls whether to serve HTTPS
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            if (!tls) {
                this.tlsCertificateChain = null;
                this.tlsPrivateKey = null;
            }
            return this;
        }

        /**
         * Serves HTTPS with this certificate instead of a self-signed one; implies
         * {@link #tls(boolean) tls(true)}. Both files are read when the server starts.
         *
         * @param certificateChainPem PEM file of the certificate chain, server certificate first
         * @param privateKeyPem PEM file of the unencrypted PKCS#8 private key
         *     ({@code -----BEGIN PRIVATE KEY-----})
         * @return this builder
         */
        public Builder tlsCertificate(Path certificateChainPem, Path privateKeyPem) {
            this.tls = true;
            this.tlsCertificateChain = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.tlsPrivateKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            return this;
        }

        private Builder tlsFrom(boolean on, @Nullable Path chain, @Nullable Path key) {
            tls(on);
            if (chain != null && key != null) {
                tlsCertificate(chain, key);
            }
            return this;
        }

        // --- end of TLS ----------------------------------------------------------------------

        /**
         * Sends every event of a stream in a write of its own (default {@code false}): the chat
         * role alone before the first token (see {@link #roleLead}), each token's event alone, and
         * each closing event alone (the usage chunk, then {@code [DONE]}; see {@link #tailGap}).
         * So a client's "first event" and "first token", and "last token" and "end of stream",
         * fall at different times. Off, the first token's event carries the role and the closing
         * events go out with the last token, as before.
         *
         * @param separate whether events go out one per write
         * @return this builder
         */
        public Builder separateEvents(boolean separate) {
            this.separateEvents = separate;
            return this;
        }

        /**
         * With {@link #separateEvents}: sends the chat role event this long before the first
         * token, but not before the request arrived (default 0: with the first token, yet in a
         * write of its own). The token schedule does not move. Ignored in fast mode.
         *
         * @param lead from 0 to 1 hour
         * @return this builder
         */
        public Builder roleLead(Duration lead) {
            this.roleLead = lead;
            return this;
        }

        /**
         * With {@link #separateEvents}: sends each closing event of a stream this long after the
         * event before it, the first this long after the last token (default 0). Ignored in fast
         * mode.
         *
         * @param gap from 0 to 1 hour
         * @return this builder
         */
        public Builder tailGap(Duration gap) {
            this.tailGap = gap;
            return this;
        }

        /**
         * Keeps the write logs of the last {@code max} streamed answers (each event, its kind and
         * the time of its write) for tests; see {@link MockLlmServer#sentStreams()}.
         *
         * @param max how many to keep, 0 for none
         * @return this builder
         */
        public Builder recordWrites(int max) {
            this.recordWrites = max;
            return this;
        }

        /**
         * Sets how many fake GPUs serve the model (tensor parallel: each works on every request).
         * {@code /dcgm/metrics} reports each as NVIDIA's DCGM exporter would: its power follows the
         * requests in flight and its energy counter is the integral of that power.
         *
         * @param gpus the GPU count, 1 to 64; default 1
         * @return this builder
         */
        public Builder gpus(int gpus) {
            this.gpus = gpus;
            return this;
        }

        /**
         * Makes generative answers start with this many reasoning tokens, on every route that
         * has reasoning: chat ({@code reasoning_content}), Responses
         * ({@code response.reasoning_text.delta}) and Anthropic Messages (thinking blocks). The
         * reasoning is part of the answer's length, which keeps at least one output token.
         *
         * @param tokens reasoning tokens, 0 for none
         * @return this builder
         */
        public Builder reasoningTokens(int tokens) {
            this.reasoningTokens = tokens;
            return this;
        }

        /**
         * Makes the usage of OpenAI-shaped answers (chat, completions, Responses) report the first
         * {@code tokens} of every prompt (at most all of it) as read from a prefix cache, as vLLM
         * with prefix caching reports a shared system prompt: {@code prompt_tokens_details
         * .cached_tokens} (Responses: {@code input_tokens_details.cached_tokens}).
         *
         * @param tokens cached tokens per prompt, 0 for none
         * @return this builder
         */
        public Builder cachedPromptTokens(int tokens) {
            this.cachedPromptTokens = tokens;
            return this;
        }

        /**
         * Refuses a generative request whose prompt plus {@code max_tokens} exceeds this length
         * with vLLM's HTTP 400 ("This model's maximum context length is N tokens. However, you
         * requested ..."), as vLLM's {@code --max-model-len} does.
         *
         * @param tokens the context length, 0 for no limit
         * @return this builder
         */
        public Builder maxModelLen(int tokens) {
            this.maxModelLen = tokens;
            return this;
        }

        /**
         * Makes {@code max_tokens} a cap, as vLLM treats it: each answer has a natural length (64
         * to 512 tokens, fixed per prompt) where it stops with {@code finish_reason: "stop"},
         * unless the request sets {@code ignore_eos: true} (then exactly {@code max_tokens}) or
         * {@code min_tokens} (then at least that many). Off by default: a scripted server
         * answers exactly {@code max_tokens}, which tests rely on.
         *
         * @param naturalStop true to stop before the cap
         * @return this builder
         */
        public Builder naturalStop(boolean naturalStop) {
            this.naturalStop = naturalStop;
            return this;
        }

        /**
         * Trickles this share of inference answers one byte per {@code interval} (status line and
         * headers at once, then the body), so that a client's read or request timeout fires. A
         * streamed request gets its whole event stream this way. Counted with the other faults'
         * rates, which together add up to at most 100.
         *
         * @param percent share of inference requests, 0 to 100
         * @param interval pause between two bytes, &gt; 0
         * @return this builder
         */
        public Builder slowDrip(double percent, Duration interval) {
            this.slowDripRate = percent;
            this.slowDripInterval = interval;
            return this;
        }

        /**
         * Closes this share of accepted connections at once, before reading a byte, as an
         * overloaded server or a load balancer without backends does.
         *
         * @param percent share of connections, 0 to 100
         * @return this builder
         */
        public Builder refuseRate(double percent) {
            this.refuseRate = percent;
            return this;
        }

        /**
         * Closes a keep-alive connection once it has been idle this long (no answer in progress,
         * nothing read or written), as servers and proxies do; a client must not reuse it.
         *
         * @param idle the idle time, zero for never
         * @return this builder
         */
        public Builder idleTimeout(Duration idle) {
            this.idleTimeout = idle;
            return this;
        }

        /**
         * Injects faults besides {@link #errorRate}: 429 answers with {@code Retry-After: 1},
         * connections cut halfway through the answer, and malformed answers (broken JSON, or an
         * event stream of garbage with no data). Each is a percent of inference requests; with the
         * error rate they add up to at most 100.
         *
         * @param rateLimitPercent share answered 429
         * @param disconnectPercent share cut mid-answer
         * @param malformedPercent share answered with malformed bytes
         * @return this builder
         */
        public Builder faults(double rateLimitPercent, double disconnectPercent,
                double malformedPercent) {
            this.rateLimitRate = rateLimitPercent;
            this.disconnectRate = disconnectPercent;
            this.malformedRate = malformedPercent;
            return this;
        }

        /**
         * Keeps the last {@code max} inference requests (time, path, headers, body) for tests; see
         * {@link MockLlmServer#receivedRequests()}.
         *
         * @param max how many to keep, 0 for none
         * @return this builder
         */
        public Builder recordRequests(int max) {
            this.recordRequests = max;
            return this;
        }

        /**
         * Makes every Nth inference request wait this much longer for its first token (a TTFT
         * spike), e.g. to show coordinated omission in a client. Ignored in fast mode.
         *
         * @param every N, 0 for never
         * @param extra the extra delay, &gt;= 0
         * @return this builder
         */
        public Builder stall(int every, Duration extra) {
            this.stallEvery = every;
            this.stall = extra;
            return this;
        }

        /**
         * Sets the host name or IP address to listen on (default {@value MockServerOptions#DEFAULT_HOST}).
         *
         * @param host the listen host, not blank
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the port to listen on (default 8000); 0 lets the operating system choose.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the time to first token (default 20 ms).
         *
         * @param ttft from 0 to 1 hour
         * @return this builder
         */
        public Builder ttft(Duration ttft) {
            this.ttft = ttft;
            return this;
        }

        /**
         * Sets the inter-token latency (default 5 ms).
         *
         * @param itl from 0 to 1 hour
         * @return this builder
         */
        public Builder itl(Duration itl) {
            this.itl = itl;
            return this;
        }

        /**
         * Sets the percentage of inference requests that fail with HTTP 500 (default 0).
         *
         * @param errorRate a percentage from 0 to 100
         * @return this builder
         */
        public Builder errorRate(double errorRate) {
            this.errorRate = errorRate;
            return this;
        }

        /**
         * Sets the random seed (default 0).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Makes every delay zero (default {@code false}).
         *
         * @param fast whether to skip all delays
         * @return this builder
         */
        public Builder fast(boolean fast) {
            this.fast = fast;
            return this;
        }

        /**
         * Makes the server's threads (the one that accepts connections and the I/O threads) with
         * this factory instead of Netty's default (ordinary daemon threads): for instance
         * threads that run at real-time priority, so that the server's
         * own stamps (when a request arrived, when a token was written) are not late by the
         * scheduler's delays on a busy machine. The threads must be daemons. Not part of
         * {@link #equals}.
         *
         * @param factory the factory, or null for the default
         * @return this builder
         */
        public Builder ioThreadFactory(@Nullable ThreadFactory factory) {
            this.ioThreadFactory = factory;
            return this;
        }

        /**
         * Sets the number of I/O threads (default 0, meaning one per available processor).
         *
         * @param ioThreads 0 or more
         * @return this builder
         */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * Validates the settings and builds the options.
         *
         * @return the immutable options
         * @throws IllegalArgumentException naming the first invalid option and what is valid
         */
        public MockServerOptions build() {
            OptionChecks.host(host);
            OptionChecks.port(port);
            OptionChecks.delay("ttft", ttft);
            OptionChecks.delay("itl", itl);
            OptionChecks.rates(errorRate, rateLimitRate, disconnectRate, malformedRate, slowDripRate, refuseRate);
            OptionChecks.notNegative("reasoningTokens", reasoningTokens, "");
            OptionChecks.notNegative("cachedPromptTokens", cachedPromptTokens, "");
            OptionChecks.notNegative("maxModelLen", maxModelLen, " (0 = no limit)");
            OptionChecks.positiveDelay("slowDripInterval", slowDripInterval);
            OptionChecks.delay("idleTimeout", idleTimeout);
            OptionChecks.notNegative("recordRequests", recordRequests, "");
            OptionChecks.eventGap("roleLead", roleLead, separateEvents);
            OptionChecks.eventGap("tailGap", tailGap, separateEvents);
            OptionChecks.notNegative("recordWrites", recordWrites, "");
            OptionChecks.notNegative("stallEvery", stallEvery, " (0 = never)");
            OptionChecks.delay("stall", stall);
            OptionChecks.notNegative("ioThreads", ioThreads, " (0 = one per processor)");
            OptionChecks.gpus(gpus);
            OptionChecks.saturation(slots, prefillPerPromptToken, itlPerRunningRequest, fast);
            return new MockServerOptions(this);
        }
    }
}
