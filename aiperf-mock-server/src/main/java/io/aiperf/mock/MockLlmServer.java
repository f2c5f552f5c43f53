package io.aiperf.mock;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible mock LLM server on Netty, the JVM counterpart of AIPerf's Python mock
 * server.
 *
 * <p>It answers {@code POST /v1/chat/completions} and {@code POST /v1/completions} (streaming or
 * not) with words that are each exactly one token in OpenAI's {@code o200k_base} and {@code
 * cl100k_base} encodings, timed by a time to first token and an inter-token latency; plus {@code
 * GET /health} and {@code GET /v1/models}. Use it as a benchmark target with known latencies:
 *
 * <pre>{@code
 * MockServerOptions opts = MockServerOptions.builder().port(0).build();
 * try (MockLlmServer server = MockLlmServer.start(opts)) {
 *     String url = server.baseUrl(); // http://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * <p>The same port speaks HTTP/1.1 and HTTP/2 over cleartext with prior knowledge (h2c, no upgrade):
 * a client that opens with the HTTP/2 preface gets HTTP/2, with up to
 * 1,000 concurrent streams per connection (system property {@code aiperf.mock.h2.maxStreams}) and the same
 * answers; aiperf uses it for {@code h2c://} URLs.
 *
 * <p>With {@link MockServerOptions.Builder#tls(boolean)} the port speaks HTTPS instead: HTTP/2 or
 * HTTP/1.1 as ALPN negotiates, with the same stream limits and answers, and {@link #baseUrl()} is
 * {@code https://HOST:PORT}; {@link #certificatePem()} is the certificate a client should trust.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class MockLlmServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MockLlmServer.class);

    /** Large enough for long-context prompts; bigger bodies get HTTP 413 from the aggregator. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final MockServerOptions options;
    private final ServerState state;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final int port;
    private final @Nullable MockTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MockLlmServer(
            MockServerOptions options,
            ServerState state,
            EventLoopGroup acceptGroup,
            EventLoopGroup ioGroup,
            ChannelGroup connections,
            Channel serverChannel,
            @Nullable MockTls tls) {
        this.tls = tls;
        this.options = options;
        this.state = state;
        this.acceptGroup = acceptGroup;
        this.ioGroup = ioGroup;
        this.connections = connections;
        this.serverChannel = serverChannel;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Binds the server and returns once it is listening.
     *
     * @param options the server settings
     * @return the running server; close it to stop it
     * @throws UncheckedIOException if the server cannot listen on {@code host:port}, e.g. because
     *     the port is in use; the message names the address; or, with TLS, if a given
     *     certificate or key cannot be read (the message names the files)
     */
    public static MockLlmServer start(MockServerOptions options) {
        MockWarmup.once();
        return start(options, true);
    }

    /** Starts without the warm-up; {@code announce} false keeps the warm-up's own server quiet. */
    static MockLlmServer start(MockServerOptions options, boolean announce) {
        ServerState state = new ServerState(options);
        MockTls tls = options.tls() ? MockTls.create(options) : null;
        // Native epoll where the platform has it: its timerfd wakes with microsecond precision,
        // where NIO's select rounds every token's schedule up to the next millisecond.
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup acceptGroup = new MultiThreadIoEventLoopGroup(
                1, options.ioThreadFactory() != null ? options.ioThreadFactory()
                        : new DefaultThreadFactory("mock-llm-accept", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(
                options.effectiveIoThreads(),
                options.ioThreadFactory() != null ? options.ioThreadFactory()
                        : new DefaultThreadFactory("mock-llm-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("mock-llm-connections", GlobalEventExecutor.INSTANCE);
        if (options.ioThreadFactory() != null) {
            // Netty starts a loop's thread with its first connection; a factory's threads may
            // need time to be set up (real-time priority is asked of another thread), so they
            // start now, before the first client connects.
            acceptGroup.forEach(loop -> loop.execute(() -> { }));
            ioGroup.forEach(loop -> loop.execute(() -> { }));
        }

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (state.refuseConnection()) {
                            // The fault: accepted, then closed before a byte is read.
                            ch.close();
                            return;
                        }
                        connections.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        if (!options.idleTimeout().isZero()) {
                            p.addLast("idle", new IdleStateHandler(0, 0,
                                    options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
                        }
                        if (tls != null) {
                            // TLS first; ALPN then picks h2 or HTTP/1.1.
                            p.addLast("tls", tls.context().newHandler(ch.alloc()));
                            p.addLast("alpn", new AlpnSwitch(state));
                            return;
                        }
                        // HTTP/1.1 or h2c with prior knowledge, told apart by the first bytes.
                        p.addLast("sniffer", new ProtocolSniffer(state));
                    }
                });

        String address = options.host() + ":" + options.port();
        ChannelFuture bind = bootstrap.bind(options.host(), options.port()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdown(acceptGroup, ioGroup);
            if (tls != null) {
                tls.close();
            }
            Throwable cause = bind.cause();
            String message = "Mock LLM server could not listen on " + address + ": " + cause;
            throw new UncheckedIOException(message,
                    cause instanceof IOException ? (IOException) cause : new IOException(cause));
        }
        MockLlmServer server = new MockLlmServer(
                options, state, acceptGroup, ioGroup, connections, bind.channel(), tls);
        if (announce) {
            log.info("Mock LLM server listening on {} ({})", server.baseUrl(), options);
        }
        return server;
    }

    /**
     * Returns the port actually listened on, which differs from the configured one when that was 0.
     *
     * @return the bound port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the base URL, {@code http://HOST:PORT} ({@code https://} with TLS), without a
     * trailing slash.
     *
     * @return the base URL clients should use
     */
    public String baseUrl() {
        String host = options.host();
        // An IPv6 literal needs brackets inside a URL.
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (tls != null ? "https://" : "http://") + host + ":" + port;
    }

    /**
     * Returns the URL of the server's Prometheus page, vLLM's metrics driven by the server's real
     * load: requests running and waiting, KV-cache usage from the tokens the running requests
     * hold, prompt and generation token counters equal to what it answered, and TTFT, ITL and
     * end-to-end histograms from its own schedule.
     *
     * @return {@code <baseUrl>/metrics}
     */
    public String metricsUrl() {
        return baseUrl() + "/metrics";
    }

    /**
     * Returns the URL of the fake GPUs' DCGM-exporter page (see
     * {@link MockServerOptions.Builder#gpus}).
     *
     * @return {@code <baseUrl>/dcgm/metrics}
     */
    public String dcgmUrl() {
        return baseUrl() + "/dcgm/metrics";
    }

    /**
     * Integrates one fake GPU's power over a window of wall-clock time, from the server's own
     * history of its load: the energy its DCGM energy counter should have counted in that window,
     * to the millisecond the wall clock gives.
     *
     * @param gpu the GPU index
     * @param from the window's start
     * @param to the window's end
     * @return joules
     * @throws IllegalArgumentException if the GPU does not exist, the window is reversed, or it
     *     starts before the server or the history it keeps (the last 262,144 load changes)
     */
    public double gpuEnergyJoules(int gpu, java.time.Instant from, java.time.Instant to) {
        if (gpu < 0 || gpu >= options.gpus()) {
            throw new IllegalArgumentException("gpu was '" + gpu + "' but it must be 0 to "
                    + (options.gpus() - 1));
        }
        long nowNanos = MockClock.nanos();
        long nowWallNanos = System.currentTimeMillis() * 1_000_000L;
        long fromNanos = nowNanos - (nowWallNanos - (from.getEpochSecond() * 1_000_000_000L + from.getNano()));
        long toNanos = nowNanos - (nowWallNanos - (to.getEpochSecond() * 1_000_000_000L + to.getNano()));
        return state.load.gpus.joules(gpu, fromNanos, toNanos);
    }

    /**
     * Returns a PEM file of the server's certificate, for a client to trust as its certificate
     * authority: the self-signed certificate made at start (a temporary file, deleted by
     * {@link #close()}), or the chain given with {@link MockServerOptions.Builder#tlsCertificate}.
     *
     * @return the certificate file, empty without TLS
     */
    public Optional<Path> certificatePem() {
        return tls == null ? Optional.empty() : Optional.of(tls.certificatePem());
    }

    /**
     * Returns the number of HTTP requests received so far, on every route, including those
     * answered with an error.
     *
     * @return the request count
     */
    public long requestCount() {
        return state.requestCount();
    }

    /**
     * Returns what the server did with the inference requests it received so far: how many it
     * answered in full, how many got each injected fault, how many clients left before their
     * answer was complete. Counted by the server as it answers, independently of any client, so
     * a test can check a client's result against it:
     *
     * <pre>{@code
     * Outcomes truth = server.outcomes();
     * assertThat(result.requestsCompleted()).isEqualTo(truth.completed());
     * }</pre>
     *
     * <p>Still readable after {@link #close()}, which settles it: every answer cut by the close is
     * then counted as abandoned.
     *
     * @return a snapshot of the counts
     */
    public Outcomes outcomes() {
        return state.outcomes.snapshot();
    }

    /**
     * Returns the inference requests kept by {@link MockServerOptions.Builder#recordRequests},
     * oldest first.
     *
     * @return a snapshot
     */
    public java.util.List<ReceivedRequest> receivedRequests() {
        return state.received();
    }

    /**
     * Returns the write logs of the last streamed answers, oldest first, as many as
     * {@link MockServerOptions.Builder#recordWrites} keeps: every event with the time of its write.
     *
     * @return the logs; empty unless writes are recorded
     */
    public java.util.List<SentStream> sentStreams() {
        return state.writeLog.snapshot();
    }

    /**
     * Returns the options this server was started with.
     *
     * @return the options
     */
    public MockServerOptions options() {
        return options;
    }

    /**
     * Stops listening, closes every open connection (cutting answers in progress short) and stops
     * the I/O threads, waiting a few seconds at most. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = MockClock.nanos() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS);
        serverChannel.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        connections.close().awaitUninterruptibly(remainingMillis(deadline));
        shutdown(acceptGroup, ioGroup);
        acceptGroup.terminationFuture().awaitUninterruptibly(remainingMillis(deadline));
        ioGroup.terminationFuture().awaitUninterruptibly(remainingMillis(deadline));
        if (tls != null) {
            tls.close();
        }
        log.info("Mock LLM server on port {} stopped after {} requests", port, state.requestCount());
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - MockClock.nanos()));
    }

    private static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup g : groups) {
            // No quiet period: connections are already closed and nothing new should arrive.
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
