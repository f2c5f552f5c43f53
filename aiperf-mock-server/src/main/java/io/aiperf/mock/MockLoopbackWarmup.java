package io.aiperf.mock;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves requests over real loopback connections to a temporary, delay-free server of this JVM,
 * so that what the in-memory warm-up cannot reach is compiled too: accepting a connection and
 * setting up its pipeline, epoll's reads and writes, the event loop's timers.
 *
 * <p>Measured against a freshly started mock in its own JVM (concurrency 32, streamed, 550-token
 * prompts): after the in-memory warm-up alone, the first wave's requests still reached the
 * handler one after the other, the last about 18 ms after the client had written it (the p99 of
 * the client's TTFT minus the mock's own read 17 ms); the rest of the run agreed within 0.6 ms.
 * Nothing of it shows in a real server's counts or recorded writes: it has a state of its own and
 * is closed before the real one binds.
 */
final class MockLoopbackWarmup {
    /** Connections opened in all, a few at a time: the accept path runs this often. */
    static final int CONNECTIONS = 240;

    private static final int AT_ONCE = 4;
    static final int PER_CONNECTION = 3;
    private static final int TIMEOUT_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(MockLoopbackWarmup.class);

    private MockLoopbackWarmup() {}

    /**
     * Serves the warm-up; a failure (no loopback, a port refused) is logged and ends it early.
     *
     * @return how many answers came back whole
     */
    static int run() {
        MockLlmServer server;
        try {
            server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
                    .ttft(Duration.ZERO).itl(Duration.ZERO).seed(1).ioThreads(2).build(), false);
        } catch (RuntimeException e) {
            log.debug("No loopback warm-up: {}", e.toString());
            return 0;
        }
        AtomicInteger answered = new AtomicInteger();
        try (server) {
            String prompt = MockWarmup.prompt();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < AT_ONCE; c++) {
                int first = c;
                clients.add(new Thread(() -> {
                    for (int conn = first; conn < CONNECTIONS; conn += AT_ONCE) {
                        if (!serve(server.port(), conn, prompt, answered)) {
                            return;
                        }
                    }
                }, "mock-warmup-client-" + c));
            }
            clients.forEach(Thread::start);
            for (Thread t : clients) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answered.get();
    }

    /** One keep-alive connection's requests; false when the server could not be reached. */
    private static boolean serve(int port, int conn, String prompt, AtomicInteger answered) {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < PER_CONNECTION; i++) {
                out.write(MockWarmup.request(conn * PER_CONNECTION + i, prompt));
                out.flush();
                if (readResponse(in)) {
                    answered.incrementAndGet();
                }
            }
            return true;
        } catch (IOException e) {
            log.debug("Loopback warm-up ended early: {}", e.toString());
            return false;
        }
    }

    /** Reads one HTTP/1.1 response, sized or chunked; true if its status was 200. */
    private static boolean readResponse(InputStream in) throws IOException {
        String head = line(in);
        boolean ok = head.startsWith("HTTP/1.1 200");
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                skip(in, size);
                line(in); // the CRLF after the chunk's data
            }
            line(in); // the CRLF that ends the last (empty) chunk
        } else if (length >= 0) {
            skip(in, length);
        } else {
            throw new IOException("a response with neither a length nor chunks: " + head);
        }
        return ok;
    }

    private static long chunkSize(String line) {
        int ext = line.indexOf(';');
        return Long.parseLong((ext < 0 ? line : line.substring(0, ext)).trim(), 16);
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the connection closed inside a response");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed inside a response");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
