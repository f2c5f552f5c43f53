package io.aiperf.mock;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry point: runs a {@link MockLlmServer} until the process is stopped.
 *
 * <p>Parsing is hand-written and tiny on purpose; the project CLI exposes the same options with
 * full help. Exit status 2 means bad arguments, 1 means the server could not start.
 */
public final class MockServerMain {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: aiperf-mock-server [options]",
            "  --host HOST          listen address (default 127.0.0.1)",
            "  --port PORT          listen port, 0 = any free port (default 8000)",
            "  --ttft MS            time to first token in milliseconds (default 20)",
            "  --itl MS             inter-token latency in milliseconds (default 5)",
            "  --error-rate PCT     percent of inference requests answered with HTTP 500 (default 0)",
            "  --seed N             random seed (default 0)",
            "  --fast               no delays at all, to measure a client's ceiling",
            "  --io-threads N       I/O threads, 0 = one per processor (default 0)",
            "  --stall-every N      every Nth request waits --stall-ms longer for its first token",
            "  --stall-ms MS        length of a stall in milliseconds (default 0)",
            "  --rate-limit-rate PCT  percent of requests answered 429 with Retry-After",
            "  --disconnect-rate PCT  percent of requests cut halfway through the answer",
            "  --malformed-rate PCT   percent of requests answered with malformed bytes",
            "  --slow-drip-rate PCT   percent of answers trickled one byte per --slow-drip-ms",
            "  --slow-drip-ms MS      pause between two bytes of a slow-drip answer (default 100)",
            "  --refuse-rate PCT      percent of connections closed as soon as they are accepted",
            "  --idle-timeout-ms MS   close keep-alive connections idle this long (default 0 = never)",
            "  --reasoning-tokens N   generative answers start with N reasoning tokens (default 0)",
            "  --no-natural-stop      answer exactly max_tokens; by default it is a cap with a natural"
                    + " stop before it (64-512 tokens) unless ignore_eos or min_tokens asks for more",
            "  --slots N              saturate like a real server: N requests decode at once, the rest"
                    + " queue (default 0 = off)",
            "  --prefill-per-token-ms MS  with --slots: prefill time per prompt token (default 0)",
            "  --itl-per-request-ms MS    with --slots: time each other running request adds to a"
                    + " token (default 0)",
            "  --gpus N               fake GPUs on the DCGM page /dcgm/metrics (default 1); vLLM's"
                    + " metrics are on /metrics",
            "  --tls                serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a self-signed certificate",
            "  --tls-cert FILE      serve HTTPS with this PEM certificate chain (needs --tls-key)",
            "  --tls-key FILE       PEM PKCS#8 private key of --tls-cert",
            "  --separate-events      every event of a stream in a write of its own",
            "  --role-lead-ms MS      with --separate-events: the chat role this long before the first token",
            "  --tail-gap-ms MS       with --separate-events: the gap before each closing event (usage, [DONE])",
            "  -h, --help           show this help");

    private static final String VALID_OPTIONS =
            "--host, --port, --ttft, --itl, --error-rate, --seed, --fast, --io-threads, --stall-every,"
            + " --stall-ms, --rate-limit-rate, --disconnect-rate, --malformed-rate, --slow-drip-rate,"
            + " --slow-drip-ms, --refuse-rate, --idle-timeout-ms, --reasoning-tokens, --slots,"
            + " --prefill-per-token-ms, --itl-per-request-ms, --gpus, --tls, --tls-cert,"
            + " --tls-key, --separate-events, --role-lead-ms, --tail-gap-ms, --natural-stop,"
            + " --no-natural-stop, --help";

    private MockServerMain() {}

    /**
     * Starts the server and blocks until the JVM shuts down (Ctrl+C / SIGTERM).
     *
     * @param args the command-line options; see {@code --help}
     */
    @SuppressForbidden(reason = "the mock's own command line prints its usage and address")
    public static void main(String[] args) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
        }
        MockServerOptions options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            System.err.println("aiperf-mock-server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        MockLlmServer server;
        try {
            server = MockLlmServer.start(options);
        } catch (UncheckedIOException e) {
            System.err.println("aiperf-mock-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mock-llm-shutdown"));
        System.out.println("aiperf mock LLM server listening on " + server.baseUrl() + " (Ctrl+C to stop)");
        server.certificatePem().ifPresent(pem ->
                System.out.println("TLS certificate for clients to trust: " + pem));
        boolean interrupted = false;
        while (stopped.getCount() > 0) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Turns arguments into options; accepts {@code --flag value} and {@code --flag=value}.
     *
     * @throws UsageException naming the offending flag and what it accepts
     */
    static MockServerOptions parse(String[] args) throws UsageException {
        // A server run from the command line behaves like one: max_tokens is a cap.
        MockServerOptions.Builder b = MockServerOptions.builder().naturalStop(true);
        int stallEvery = 0;
        Duration stall = Duration.ZERO;
        double[] faults = new double[3];
        double slowDripRate = 0;
        Duration slowDripInterval = Duration.ofMillis(100);
        String tlsCert = null;
        String tlsKey = null;
        int slots = 0;
        Duration prefill = Duration.ZERO;
        Duration perRequest = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (flag.equals("--fast") || flag.equals("--separate-events")) {
                if (inline != null) {
                    throw new UsageException(flag + " takes no value (got '" + inline + "')");
                }
                if (flag.equals("--fast")) {
                    b.fast(true);
                } else {
                    b.separateEvents(true);
                }
                continue;
            }
            if (flag.equals("--natural-stop") || flag.equals("--no-natural-stop")) {
                if (inline != null) {
                    throw new UsageException(flag + " takes no value (got '" + inline + "')");
                }
                b.naturalStop(flag.equals("--natural-stop"));
                continue;
            }
            if (flag.equals("--tls")) {
                if (inline != null) {
                    throw new UsageException("--tls takes no value (got '" + inline + "')");
                }
                b.tls(true);
                continue;
            }
            String value;
            if (inline != null) {
                value = inline;
            } else if (isKnownValueFlag(flag)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(flag + " needs a value");
                }
                value = args[++i];
            } else {
                throw new UsageException("unknown option '" + arg + "'; valid options: " + VALID_OPTIONS);
            }
            switch (flag) {
                case "--host":
                    if (value.isBlank()) {
                        throw new UsageException("--host was '' but it must be a host name or IP address");
                    }
                    b.host(value);
                    break;
                case "--port":
                    b.port((int) integer(flag, value, 0, 65_535));
                    break;
                case "--ttft":
                    b.ttft(millis(flag, value));
                    break;
                case "--itl":
                    b.itl(millis(flag, value));
                    break;
                case "--error-rate":
                    b.errorRate(decimal(flag, value, 0, 100, "a percentage from 0 to 100"));
                    break;
                case "--seed":
                    b.seed(integer(flag, value, Long.MIN_VALUE, Long.MAX_VALUE));
                    break;
                case "--io-threads":
                    b.ioThreads((int) integer(flag, value, 0, 4096));
                    break;
                case "--stall-every":
                    stallEvery = (int) integer(flag, value, 0, Integer.MAX_VALUE);
                    break;
                case "--stall-ms":
                    stall = millis(flag, value);
                    break;
                case "--rate-limit-rate":
                    faults[0] = percent(flag, value);
                    break;
                case "--disconnect-rate":
                    faults[1] = percent(flag, value);
                    break;
                case "--malformed-rate":
                    faults[2] = percent(flag, value);
                    break;
                case "--slow-drip-rate":
                    slowDripRate = percent(flag, value);
                    break;
                case "--slow-drip-ms":
                    slowDripInterval = millis(flag, value);
                    break;
                case "--refuse-rate":
                    b.refuseRate(percent(flag, value));
                    break;
                case "--idle-timeout-ms":
                    b.idleTimeout(millis(flag, value));
                    break;
                case "--reasoning-tokens":
                    b.reasoningTokens((int) integer(flag, value, 0, InferenceRequest.MAX_OUTPUT_TOKENS));
                    break;
                case "--slots":
                    slots = (int) integer(flag, value, 0, 65_536);
                    break;
                case "--prefill-per-token-ms":
                    prefill = millis(flag, value);
                    break;
                case "--itl-per-request-ms":
                    perRequest = millis(flag, value);
                    break;
                case "--gpus":
                    b.gpus((int) integer(flag, value, 1, 64));
                    break;
                case "--tls-cert":
                    tlsCert = file(flag, value);
                    break;
                case "--tls-key":
                    tlsKey = file(flag, value);
                    break;
                case "--role-lead-ms":
                    b.roleLead(millis(flag, value));
                    break;
                case "--tail-gap-ms":
                    b.tailGap(millis(flag, value));
                    break;
                default:
                    throw new UsageException("unknown option '" + arg + "'; valid options: " + VALID_OPTIONS);
            }
        }
        b.stall(stallEvery, stall).faults(faults[0], faults[1], faults[2])
                .slowDrip(slowDripRate, slowDripInterval);
        if (slots > 0) {
            b.saturation(slots, prefill, perRequest);
        } else if (!prefill.isZero() || !perRequest.isZero()) {
            throw new UsageException("--prefill-per-token-ms and --itl-per-request-ms need --slots N"
                    + " (N > 0), the decode slots they model");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new UsageException(tlsCert == null
                    ? "--tls-key needs --tls-cert, the certificate chain it belongs to"
                    : "--tls-cert needs --tls-key, the certificate's private key");
        }
        if (tlsCert != null && tlsKey != null) {
            b.tlsCertificate(Path.of(tlsCert), Path.of(tlsKey));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // valueOf keeps what the catch in main() printed for a message-less exception: "null".
            throw new UsageException(String.valueOf(e.getMessage()));
        }
    }

    private static boolean isKnownValueFlag(String flag) {
        switch (flag) {
            case "--host":
            case "--port":
            case "--ttft":
            case "--itl":
            case "--error-rate":
            case "--seed":
            case "--io-threads":
            case "--stall-every":
            case "--stall-ms":
            case "--rate-limit-rate":
            case "--disconnect-rate":
            case "--malformed-rate":
            case "--slow-drip-rate":
            case "--slow-drip-ms":
            case "--refuse-rate":
            case "--idle-timeout-ms":
            case "--reasoning-tokens":
            case "--slots":
            case "--prefill-per-token-ms":
            case "--itl-per-request-ms":
            case "--gpus":
            case "--tls-cert":
            case "--tls-key":
            case "--role-lead-ms":
            case "--tail-gap-ms":
                return true;
            default:
                return false;
        }
    }

    private static long integer(String flag, String value, long min, long max) throws UsageException {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the valid range
        }
        String range = min == Long.MIN_VALUE ? "an integer" : "an integer from " + min + " to " + max;
        throw new UsageException(flag + " was '" + value + "' but it must be " + range);
    }

    private static double decimal(String flag, String value, double min, double max, String what)
            throws UsageException {
        try {
            double v = Double.parseDouble(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " was '" + value + "' but it must be " + what);
    }

    private static double percent(String flag, String value) throws UsageException {
        return decimal(flag, value, 0, 100, "a percentage from 0 to 100");
    }

    private static String file(String flag, String value) throws UsageException {
        if (!Files.isReadable(Path.of(value))) {
            throw new UsageException(flag + " was '" + value + "' but it must be a readable PEM file");
        }
        return value;
    }

    private static Duration millis(String flag, String value) throws UsageException {
        double ms = decimal(flag, value, 0, 3_600_000, "milliseconds from 0 to 3600000");
        return Duration.ofNanos(Math.round(ms * 1_000_000));
    }

    /** Bad command-line arguments; the message is shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
