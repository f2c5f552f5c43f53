package io.aiperf.mock;

/**
 * One server-sent event the mock wrote, and when: an entry of a {@link SentStream}.
 *
 * <p>Events written together (the default, where the first token's event carries the role and the
 * last one is followed at once by the usage chunk and {@code [DONE]}) share a {@link #write} and a
 * time; with {@link MockServerOptions.Builder#separateEvents} every event has a write of its own.
 *
 * @param write the index of the write that carried it, from 0 in the stream
 * @param nanos when that write was handed to the channel, on the clock of
 *     {@link ReceivedRequest#arrivalNanos()} ({@link System#nanoTime()})
 * @param kind what the event is
 * @param text the event as sent, {@code data:} line and blank line included
 */
public record SentEvent(int write, long nanos, Kind kind, String text) {

    /** What an event of a stream is. */
    public enum Kind {
        /** Opens the stream before any token (Responses' {@code response.created}, Anthropic's {@code message_start}). */
        HEAD,
        /** The chat role alone, with empty content: no token. */
        ROLE,
        /** Carries a reasoning token. */
        REASONING,
        /** Carries an output token. */
        CONTENT,
        /** Closes the stream after the last token: the usage chunk, {@code [DONE]} and the like. */
        TAIL
    }
}
