package io.aiperf.mock;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the mock's own request path (HTTP decoding, request parsing, answer planning, token
 * writing) over in-memory channels before the first server of this JVM listens, so that its first
 * real requests are served by compiled code.
 *
 * <p>Cold, the mock took several milliseconds to take in each of the first requests (decode,
 * parse a 550-token prompt, plan the answer), one after the other on its I/O threads: the 16th
 * request of a first wave reached the handler about 50 ms after the client had written it, and
 * the client's TTFT read 45-70 ms for a 20 ms mock, correctly, since that is when the mock
 * answered. The warm-up uses a server state of its own, with no delays and no faults, so nothing
 * of it shows in a server's counts, outcomes or recorded writes.
 *
 * <p>Once per JVM, ending with one full collection; {@value #PROPERTY}{@code =false} turns it
 * off.
 */
final class MockWarmup {
    /** System property that turns the warm-up off when {@code false}. */
    static final String PROPERTY = "aiperf.mock.warmup";

    /** Enough for C1 to take the per-request code (compiled at a few hundred calls). */
    static final int REQUESTS = 600;

    /** Requests per connection, as a keep-alive client sends them. */
    private static final int PER_CONNECTION = 50;

    private static final Logger log = LoggerFactory.getLogger(MockWarmup.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private MockWarmup() {}

    /** Warms the request path up the first time a server starts in this JVM. */
    static void once() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !DONE.compareAndSet(false, true)) {
            return;
        }
        long start = MockClock.nanos();
        int answered = run(REQUESTS);
        long inMemory = MockClock.nanos();
        int overLoopback = MockLoopbackWarmup.run();
        // The warm-up's garbage and what the server keeps (its vocabulary, compiled code's
        // metadata) leave the young generation now, not in a pause during the first run.
        System.gc();
        log.debug("Mock warmed up in {} ms: {} requests over in-memory channels, then {} over {}"
                + " loopback connections in {} ms", (inMemory - start) / 1_000_000, answered,
                overLoopback, MockLoopbackWarmup.CONNECTIONS, (MockClock.nanos() - inMemory) / 1_000_000);
    }

    /**
     * Serves {@code requests} requests, streamed and not, chat and completions, over in-memory
     * channels of a delay-free server state.
     *
     * @return how many got a complete answer
     */
    static int run(int requests) {
        ServerState state = new ServerState(MockServerOptions.builder()
                .ttft(Duration.ZERO).itl(Duration.ZERO).seed(1).build());
        String prompt = prompt();
        int answered = 0;
        EmbeddedChannel channel = null;
        try {
            for (int i = 0; i < requests; i++) {
                if (channel == null || i % PER_CONNECTION == 0) {
                    if (channel != null) {
                        channel.finishAndReleaseAll();
                    }
                    channel = new EmbeddedChannel();
                    ProtocolSniffer.http1(channel.pipeline(), state);
                }
                channel.writeInbound(Unpooled.wrappedBuffer(request(i, prompt)));
                if (drain(channel)) {
                    answered++;
                }
            }
        } finally {
            if (channel != null) {
                channel.finishAndReleaseAll();
            }
        }
        return answered;
    }

    /**
     * Runs the answer's timers (all due at once) until none is left and drops the bytes written;
     * true when a whole answer came out (a stream's {@code [DONE]}, or a body's finish reason).
     */
    private static boolean drain(EmbeddedChannel channel) {
        StringBuilder written = new StringBuilder();
        for (int round = 0; round < 10_000; round++) {
            channel.runPendingTasks();
            long next = channel.runScheduledPendingTasks();
            Object out;
            while ((out = channel.readOutbound()) != null) {
                if (out instanceof io.netty.buffer.ByteBuf b) {
                    written.append(b.toString(StandardCharsets.UTF_8));
                }
                ReferenceCountUtil.release(out);
            }
            if (next == -1) {
                break;
            }
        }
        return written.indexOf("[DONE]") >= 0 || written.indexOf("\"finish_reason\":\"") >= 0;
    }

    static String prompt() {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            words.append(i % 7 == 0 ? "the" : "word").append(i).append(' ');
        }
        return words.toString();
    }

    static byte[] request(int i, String prompt) {
        boolean chat = i % 4 != 3;
        boolean stream = i % 2 == 0;
        String body = chat
                ? "{\"model\":\"warmup\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                        + "\"}],\"stream\":" + stream + ",\"max_tokens\":64"
                        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}"
                : "{\"model\":\"warmup\",\"prompt\":\"" + prompt + "\",\"stream\":" + stream
                        + ",\"max_tokens\":64}";
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + (chat ? "/v1/chat/completions" : "/v1/completions") + " HTTP/1.1\r\n"
                + "Host: warmup\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                + "\r\nX-Request-ID: warmup-" + i + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + json.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(json, 0, all, h.length, json.length);
        return all;
    }
}
