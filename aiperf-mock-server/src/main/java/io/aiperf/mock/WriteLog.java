package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The last {@code max} streamed answers' write logs ({@link SentStream}), kept for tests. Each
 * stream appends on its connection's event loop; tests read snapshots from other threads, hence
 * the lock per stream. With {@code max} 0 nothing is kept and no stream is logged at all.
 */
final class WriteLog {

    private final int max;
    private final ConcurrentLinkedDeque<Stream> streams = new ConcurrentLinkedDeque<>();

    WriteLog(int max) {
        this.max = max;
    }

    boolean enabled() {
        return max > 0;
    }

    /** Starts the log of one answer, dropping the oldest beyond {@code max}. */
    Stream open(String requestId, long startNanos) {
        Stream s = new Stream(requestId, startNanos);
        streams.addLast(s);
        while (streams.size() > max) {
            streams.pollFirst();
        }
        return s;
    }

    List<SentStream> snapshot() {
        List<SentStream> out = new ArrayList<>();
        for (Stream s : streams) {
            out.add(s.snapshot());
        }
        return List.copyOf(out);
    }

    /** One answer's events. */
    static final class Stream {
        private final String requestId;
        private final long startNanos;
        private final List<SentEvent> events = new ArrayList<>();
        private int writes;

        private Stream(String requestId, long startNanos) {
            this.requestId = requestId;
            this.startNanos = startNanos;
        }

        /**
         * Logs the events in {@code bytes} between {@code from} and {@code to} (whole SSE events)
         * as one write's, all of {@code kind}; the write is numbered by {@link #endWrite}.
         */
        synchronized void events(ByteBuf bytes, int from, int to, SentEvent.Kind kind, long nanos) {
            String text = bytes.toString(from, to - from, StandardCharsets.UTF_8);
            int at = 0;
            while (at < text.length()) {
                int end = text.indexOf("\n\n", at);
                end = end < 0 ? text.length() : end + 2;
                events.add(new SentEvent(writes, nanos, kind, text.substring(at, end)));
                at = end;
            }
        }

        /** Closes the current write: later events belong to the next one. */
        synchronized void endWrite() {
            writes++;
        }

        synchronized SentStream snapshot() {
            return new SentStream(requestId, startNanos, events);
        }
    }
}
