package io.aiperf.mock;

import java.util.List;

/**
 * Every event the mock wrote on one streamed answer, in order, with the time of its write: the
 * server's own truth for tests that check what a client measured. Kept when
 * {@link MockServerOptions.Builder#recordWrites} asks for it; see {@link MockLlmServer#sentStreams()}.
 *
 * @param requestId the request's {@code X-Request-ID} header, "" when it had none
 * @param startNanos the origin of the answer's schedule: the request's arrival (plus any stall),
 *     on the clock of {@link SentEvent#nanos()}
 * @param events the events so far, in the order written
 */
public record SentStream(String requestId, long startNanos, List<SentEvent> events) {

    /**
     * Makes the event list immutable.
     *
     * @param requestId the request's {@code X-Request-ID} header, "" when it had none
     * @param startNanos the origin of the answer's schedule: the request's arrival (plus any
     *     stall), on the clock of {@link SentEvent#nanos()}
     * @param events the events so far, in the order written
     */
    public SentStream {
        events = List.copyOf(events);
    }

    /**
     * Returns the events of one kind, in order.
     *
     * @param kind the kind
     * @return those events
     */
    public List<SentEvent> events(SentEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }
}
