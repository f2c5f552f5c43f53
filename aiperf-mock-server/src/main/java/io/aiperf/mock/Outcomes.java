package io.aiperf.mock;

/**
 * What the server did with the inference requests it received, counted by the server itself as
 * it answered: the truth a test compares a client's result with.
 *
 * <p>An inference request is one on a generating or embedding route ({@code /v1/chat/completions},
 * {@code /v1/completions}, and the other API routes such as {@code /v1/embeddings},
 * {@code /v1/responses} or {@code /v1/messages}); {@code /health}, {@code /v1/models} and unknown
 * paths are not counted. Each one received ends in exactly one of {@link #rejected},
 * {@link #completed}, {@link #internalServerErrors}, {@link #rateLimited}, {@link #malformed},
 * {@link #disconnected} and {@link #abandoned}; until then it is {@link #inProgress()}.
 * {@link #slowDrips}, {@link #stalls} and {@link #refusedConnections} say how often the other
 * faults were applied.
 *
 * <p>Each end is counted before the bytes that show it to the client are written (or, for a cut,
 * before the connection is closed), so once a client has seen a request end, the server's count
 * already includes it. {@link #abandoned} is the exception: the server learns that a client left
 * only after it left. The counts are read one after another, not as one atomic snapshot; while
 * requests are in flight they may disagree by the requests ending meanwhile, never so that
 * {@link #inProgress()} is negative.
 *
 * <p>Not counted: requests read on a connection that was already closing, or queued behind a
 * pipelined request when their connection closed (the server drops them unanswered; aiperf never
 * pipelines).
 *
 * @param received inference requests the server read and routed, whatever became of them
 * @param rejected answered 400 or 405 because the request itself was wrong (bad body or method, a
 *     missing required header); no fault is drawn for them
 * @param completed answered in full with 200 and a well-formed answer (streamed or whole,
 *     slow drips that ran to their end included): the answer's last byte was handed to the
 *     connection
 * @param internalServerErrors answered 500 by the injected error rate
 *     ({@link MockServerOptions.Builder#errorRate})
 * @param rateLimited answered 429 by the rate-limit fault
 * @param malformed answered 200 with a body that is not a valid answer, by the malformed fault
 * @param disconnected cut by the disconnect fault: the server closed the connection (over
 *     HTTP/2, reset the stream) before or in the middle of the answer. A request drawn for this
 *     fault whose client left first is {@link #abandoned} instead
 * @param abandoned cut short because the connection (or HTTP/2 stream) closed before the answer
 *     was complete, and not by the disconnect fault: the client cancelled, timed out or went
 *     away, or the server was closed
 * @param slowDrips answers sent one byte per interval by the slow-drip fault; each ends as
 *     {@link #completed} or {@link #abandoned}
 * @param slowDripsAbandoned the slow drips among {@link #abandoned}: the client gave up on them
 * @param stalls answers whose first token was held back by {@link MockServerOptions.Builder#stall}
 * @param refusedConnections connections closed as soon as they were accepted, by
 *     {@link MockServerOptions.Builder#refuseRate}; no request was read on them, so they are
 *     counted in nothing else here
 */
public record Outcomes(
        long received,
        long rejected,
        long completed,
        long internalServerErrors,
        long rateLimited,
        long malformed,
        long disconnected,
        long abandoned,
        long slowDrips,
        long slowDripsAbandoned,
        long stalls,
        long refusedConnections) {

    /**
     * Returns the requests received that have not ended yet: still being answered, or (briefly)
     * left by a client that the server has not yet seen go.
     *
     * @return {@link #received} minus every end
     */
    public long inProgress() {
        return received - rejected - completed - internalServerErrors - rateLimited - malformed
                - disconnected - abandoned;
    }

    /**
     * Returns the requests that got an injected fault instead of a good answer and ended with it:
     * 500s, 429s, malformed answers and disconnects. Slow drips are not among them: a slow drip
     * the client waits for is a complete answer.
     *
     * @return the sum of {@link #internalServerErrors}, {@link #rateLimited}, {@link #malformed}
     *     and {@link #disconnected}
     */
    public long faults() {
        return internalServerErrors + rateLimited + malformed + disconnected;
    }
}
