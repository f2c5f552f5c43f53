package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.spi.BusMessage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine's services say to each other. Immutable records; byte arrays inside are
 * never written after the message is sent.
 */
public final class Messages {
  private Messages() {}

  /** Channel names of the point-to-point flows. */
  public static final String CREDITS = "credits";
  /** Workers return each credit here when its request ends. */
  public static final String CREDIT_RETURNS = "credit-returns";
  /** Workers send raw records here, for record processors. */
  public static final String RAW_RECORDS = "raw-records";
  /** Record processors send metric records here, for the records manager. */
  public static final String RECORDS = "records";

  /** All engine messages. */
  public sealed interface EngineMessage extends BusMessage
      permits DatasetReady, WorkerReady, WorkersReady, ProfileStart, ProfileCancel, CancelInFlight,
          Credit, FirstToken, PhaseStarted,
          CreditReturn, RawRecord, ProcessedRecord, CreditsComplete, Progress, ProfileResults,
          ServiceFailed, WorkerHealth, WorkerLost, JoinRequest, JoinReply, ControllerHeartbeat,
          RunEnded, DatasetReceived, ServiceJoined, ServiceLeaving, TelemetryBaseline,
          TelemetryBaselineTaken, TelemetryFinish, ServerMetricsResults, GpuTelemetryResults,
          ClockProbe, ClockEcho, ClockReport, PacingPriority {}

  /** Remote services measure their clock against the controller's here (request/reply). */
  public static final String CLOCK = "clock";

  /**
   * A remote service asks for the controller's clock.
   *
   * @param sentNanos the service's clock when it asked
   */
  public record ClockProbe(long sentNanos) implements EngineMessage {}

  /**
   * The controller's answer to a {@link ClockProbe}.
   *
   * @param probeSentNanos the probe's own stamp, echoed
   * @param controllerNanos the controller's clock when it answered
   */
  public record ClockEcho(long probeSentNanos, long controllerNanos) implements EngineMessage {}

  /**
   * A remote service's clock against the controller's, sent after each round of probes.
   *
   * @param serviceId the service
   * @param host its host name and process id
   * @param offsetNanos the controller's clock minus the service's
   * @param uncertaintyNanos how far off the offset may be
   * @param minRoundTripNanos the fastest round trip seen
   * @param samples round trips measured so far
   * @param steps clock steps seen so far
   * @param largestStepNanos the largest step's jump (signed), 0 when none
   * @param corrected whether the service rebases its timestamps by the offset
   */
  public record ClockReport(String serviceId, String host, long offsetNanos,
      long uncertaintyNanos, long minRoundTripNanos, long samples, int steps,
      long largestStepNanos, boolean corrected) implements EngineMessage {}

  /**
   * A phase is about to start: the server-metrics and GPU-telemetry services scrape every
   * endpoint once and say so, so that the phase's increases count from a point made after the
   * phase before it ended and before its first request. The timing manager waits for them,
   * bounded, before it issues the phase's first credit.
   *
   * @param phase the phase about to start
   */
  public record TelemetryBaseline(Phase phase) implements EngineMessage {}

  /**
   * A telemetry service took its scrape before a phase (or gave up on it, bounded).
   *
   * @param serviceId the service
   * @param phase the phase about to start
   */
  public record TelemetryBaselineTaken(String serviceId, Phase phase) implements EngineMessage {}

  /** The run's result is in: the telemetry services summarize, write their files and answer. */
  public record TelemetryFinish() implements EngineMessage {}

  /**
   * The server-metrics service's summary over the run's windows.
   *
   * @param summary what the inference server's metrics said
   */
  public record ServerMetricsResults(io.aiperf.api.ServerMetrics summary)
      implements EngineMessage {}

  /**
   * The GPU-telemetry service's summary over the run's windows, before the energy-efficiency
   * metrics (the controller adds them, with the client's totals).
   *
   * @param summary what the DCGM exporters said
   */
  public record GpuTelemetryResults(io.aiperf.api.GpuTelemetry summary) implements EngineMessage {}

  /**
   * A service in another process joined the run.
   *
   * @param serviceId its id
   */
  public record ServiceJoined(String serviceId) implements EngineMessage {}

  /**
   * A service in another process stopped and is about to disconnect: the controller keeps its
   * end of the bus open until every joined service has said this, so their last messages land.
   *
   * @param serviceId its id
   */
  public record ServiceLeaving(String serviceId) implements EngineMessage {}

  /**
   * A worker holds the dataset and can take credits.
   *
   * @param workerId the worker
   */
  public record DatasetReceived(String workerId) implements EngineMessage {}

  /** Remote services ask to join the run here (request/reply). */
  public static final String JOIN = "join";

  /**
   * The channel a worker takes its credits from. The timing manager picks the worker itself, so
   * it knows where every request in flight is when a worker is lost.
   *
   * @param workerId the worker
   * @return the channel name
   */
  public static String creditsFor(String workerId) {
    return CREDITS + "/" + workerId;
  }

  /**
   * A worker stopped answering (no heartbeat), or its process ended: the requests it had in
   * flight are recorded as {@code WorkerLost} errors and it gets no more credits.
   *
   * @param workerId the worker
   * @param reason what was observed, for the report
   */
  public record WorkerLost(String workerId, String reason) implements EngineMessage {}

  /**
   * A process offering to run a service of the run.
   *
   * @param serviceType {@code worker} or {@code record_processor}
   * @param host the process's host name, for the report
   * @param pid the process id, for the report
   */
  public record JoinRequest(String serviceType, String host, long pid) implements EngineMessage {}

  /**
   * The controller's answer to a join request.
   *
   * @param accepted whether the process runs a service of this run
   * @param serviceId the id it runs under, when accepted
   * @param reason why not, when refused
   * @param spec what the service needs of the run's configuration, when accepted
   */
  public record JoinReply(boolean accepted, @Nullable String serviceId, @Nullable String reason,
      @Nullable RemoteSpec spec) implements EngineMessage {}

  /**
   * What a service in another process needs of the run's configuration. The endpoint travels
   * whole, the API key and headers included (use CURVE between hosts).
   *
   * @param endpoint the endpoint configuration, as {@link EndpointCodec} writes it
   * @param concurrency the run's concurrency, 0 for none
   * @param workers the run's total workers
   * @param prefill whether the run limits prefill concurrency
   * @param keepBodies whether request bodies go to the raw export
   * @param sourceAddresses local addresses to connect from
   * @param tokenizer the tokenizer name, for record processors
   * @param openLoop whether the run is open-loop (some metrics exist only then)
   * @param silenceWarningNanos the silence of a request in flight that the worker reports
   * @param recordMetrics the controller's record metric tags, in id order: record processors
   *     send values under these ids
   * @param outputsJson whether record processors pass each response's text on, for
   *     {@code outputs.json}
   */
  public record RemoteSpec(String endpoint, int concurrency, int workers, boolean prefill,
      boolean keepBodies, List<String> sourceAddresses, String tokenizer, boolean openLoop,
      long silenceWarningNanos, List<String> recordMetrics, boolean outputsJson) {
    /** Copies the lists. */
    public RemoteSpec {
      sourceAddresses = List.copyOf(sourceAddresses);
      recordMetrics = List.copyOf(recordMetrics);
    }
  }

  /** The controller is alive; remote services that stop hearing this leave. */
  public record ControllerHeartbeat(long sentNanos) implements EngineMessage {}

  /**
   * What the pacing thread runs as: sent when it starts, and again each time it gives real-time
   * priority up or takes it again.
   *
   * @param state real-time, refused it, or gave it up
   * @param detail its policy, or why it has none
   */
  public record PacingPriority(State state, String detail) implements EngineMessage {
    /** The pacing thread's priority. */
    public enum State {
      /** SCHED_FIFO. */
      REALTIME,
      /** Ordinary: the system refused real-time priority (or it was turned off). */
      REFUSED,
      /** Ordinary again: it fell behind anyway, so the client is at its ceiling (for now). */
      GIVEN_UP
    }
  }

  /** The run is over: remote services stop and their processes exit. */
  public record RunEnded(String reason) implements EngineMessage {}

  /**
   * A worker's view of its own health, sent every second: how late its I/O thread ran timers,
   * and what its requests in flight are doing. Ages are durations on the worker's own clock, so
   * they mean the same on any host.
   *
   * @param workerId the worker
   * @param lagSamples timer runs observed so far
   * @param lagP99Nanos 99th percentile lateness
   * @param lagMaxNanos largest lateness
   * @param inFlight requests handed to the transport and not yet ended
   * @param silent requests in flight that received nothing for the run's silence warning or more
   * @param longestSilenceNanos the longest any request in flight has received nothing
   * @param oldestInFlightNanos the age of the oldest request in flight
   */
  public record WorkerHealth(String workerId, long lagSamples, long lagP99Nanos,
      long lagMaxNanos, int inFlight, int silent, long longestSilenceNanos,
      long oldestInFlightNanos) implements EngineMessage {
    /** The heartbeat of a service that sends no requests. */
    public static WorkerHealth heartbeat(String serviceId) {
      return new WorkerHealth(serviceId, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * One turn, formatted and counted before the run. A later turn of a session resends the history
   * with the server's real replies, so only the worker can format it: its body is null and its
   * input tokens -1, and {@link #turn()} holds what the worker needs.
   */
  public record PreparedTurn(byte @Nullable [] body, int inputTokens,
      io.aiperf.api.spi.Turn turn) {
    /** A turn formatted before the run. */
    public PreparedTurn(byte[] body, int inputTokens, int maxTokens) {
      this(body, inputTokens, new io.aiperf.api.spi.Turn(List.of(), maxTokens));
    }
  }

  /**
   * One dataset entry, ready to send.
   *
   * @param selfContained whether each turn is sent without the session's history
   *     ({@link io.aiperf.api.spi.Conversation#selfContained()})
   */
  public record PreparedConversation(String id, List<PreparedTurn> turns, boolean selfContained) {
    /** Copies the list. */
    public PreparedConversation {
      turns = List.copyOf(turns);
    }

    /** A conversation whose later turns carry the history. */
    public PreparedConversation(String id, List<PreparedTurn> turns) {
      this(id, turns, false);
    }
  }

  /** The dataset is formatted; workers keep it, the timing manager counts it. */
  public record DatasetReady(List<PreparedConversation> conversations, long seed,
      boolean ordered, boolean timestamped) implements EngineMessage {
    /** Copies the list. */
    public DatasetReady {
      conversations = List.copyOf(conversations);
    }

    /** A shuffled dataset without timestamps. */
    public DatasetReady(List<PreparedConversation> conversations, long seed) {
      this(conversations, seed, false, false);
    }
  }

  /**
   * A worker can take credits.
   *
   * @param workerId the worker
   * @param remote whether it runs in another process (then it is watched for heartbeats)
   * @param holdsCredits whether it takes credits sent ahead and holds each until its intended
   *     time: a remote worker that keeps the controller's time (its clock offset is measured
   *     and applied)
   */
  public record WorkerReady(String workerId, boolean remote, boolean holdsCredits)
      implements EngineMessage {
    /** A worker in this process. */
    public WorkerReady(String workerId) {
      this(workerId, false, false);
    }

    /** A worker that takes each credit as it comes. */
    public WorkerReady(String workerId, boolean remote) {
      this(workerId, remote, false);
    }
  }

  /**
   * Every expected worker is ready.
   *
   * @param workerIds the workers, in registration order
   * @param holdingIds those of them that hold credits sent ahead ({@link WorkerReady})
   */
  public record WorkersReady(List<String> workerIds, List<String> holdingIds)
      implements EngineMessage {
    /** Copies the lists; a sender that did not name holding workers named none. */
    public WorkersReady {
      workerIds = List.copyOf(workerIds);
      holdingIds = holdingIds == null ? List.of() : List.copyOf(holdingIds);
    }

    /** Workers that take each credit as it comes. */
    public WorkersReady(List<String> workerIds) {
      this(workerIds, List.of());
    }
  }

  /** Start issuing credits. */
  public record ProfileStart() implements EngineMessage {}

  /** Stop issuing credits; in-flight requests finish. */
  public record ProfileCancel(String reason) implements EngineMessage {}

  /** The drain or grace time is over: end the requests still in flight as cancelled. */
  public record CancelInFlight(String reason) implements EngineMessage {}

  /** The phases of a run; warmup records never reach the results. */
  public enum Phase {
    /** Discarded: warms connections, JIT and server caches. */
    WARMUP,
    /** Measured. */
    PROFILING
  }

  /**
   * Permission to send one turn now.
   *
   * @param id unique in the run
   * @param phase the phase it belongs to
   * @param session the session instance: every turn of one conversation run has the same, and
   *     goes to the same worker
   * @param conversation dataset entry index
   * @param turn turn index
   * @param intendedNanos when the schedule meant it to be sent (the issue time in closed loop)
   * @param issuedNanos when the timing manager issued it; for a credit sent ahead, its intended
   *     time (or later, when it waited for a slot): holding it is not queueing
   * @param cancelAfterNanos cancel the request this long after it was sent; -1 for never
   * @param ahead sent ahead of its intended time: the worker holds it and sends it at
   *     {@code intendedNanos}, read on its own clock through its offset to the controller's
   */
  public record Credit(long id, Phase phase, long session, int conversation, int turn,
      long intendedNanos, long issuedNanos, long cancelAfterNanos, boolean ahead)
      implements EngineMessage {
    /** A credit to send at once. */
    public Credit(long id, Phase phase, long session, int conversation, int turn,
        long intendedNanos, long issuedNanos, long cancelAfterNanos) {
      this(id, phase, session, conversation, turn, intendedNanos, issuedNanos, cancelAfterNanos,
          false);
    }

    /** The same credit, to send at once. */
    Credit sendNow() {
      return new Credit(id, phase, session, conversation, turn, intendedNanos, issuedNanos,
          cancelAfterNanos, false);
    }
  }

  /**
   * A phase began issuing at this time; timeslices count from here.
   *
   * @param phase the phase
   * @param startNanos when it began
   * @param firstCreditId its first credit's id: its credits are numbered on from here, so a
   *     request's index within its phase (AIPerf's {@code session_num}) is its id minus this
   */
  public record PhaseStarted(Phase phase, long startNanos, long firstCreditId)
      implements EngineMessage {}

  /** The first response of a stream arrived; frees a prefill slot. */
  public record FirstToken(long creditId, Phase phase) implements EngineMessage {}

  /**
   * A credit's request ended; its concurrency slot is free.
   *
   * @param creditId the credit
   * @param phase its phase
   * @param workerId the worker that had it
   * @param unsent the worker held it (sent ahead) and never sent it, because the run was
   *     cancelled first: no request, no record, and it is taken off the phase's sent count
   */
  public record CreditReturn(long creditId, Phase phase, String workerId, boolean unsent)
      implements EngineMessage {
    /** The credit's request ended, in a record of its own. */
    public CreditReturn(long creditId, Phase phase, String workerId) {
      this(creditId, phase, workerId, false);
    }
  }

  /**
   * What a worker saw of one request, unparsed: which request it was, when each step happened,
   * and what came back. SSE messages keep the timestamp of the network read that completed them;
   * parsing happens in a record processor, off the measurement path. Built with
   * {@link RawRecordBuilder}, so a record of a request that never reached the server names only
   * what it knows.
   *
   * @param request which request, and what it asked for
   * @param timing when it was meant to go, went, and ended
   * @param response what the server answered, or why there is no answer
   */
  public record RawRecord(RawRequest request, RawTiming timing, RawResponse response)
      implements EngineMessage {
    /**
     * Starts a record.
     *
     * @return a builder whose every part holds the values of a request never sent
     */
    public static RawRecordBuilder builder() {
      return new RawRecordBuilder();
    }
  }

  /**
   * Which request a raw record is about, and what it asked for.
   *
   * @param creditId the credit it was sent for
   * @param phase the credit's phase
   * @param conversation dataset entry index
   * @param turn turn index
   * @param workerId the worker that held the credit
   * @param requestId the X-Request-ID, "" when none was sent
   * @param correlationId the X-Correlation-ID, "" when none was sent
   * @param inputTokens prompt tokens counted before the run; -1 when the processor counts them
   * @param inputText the prompt to count when {@code inputTokens} is -1, else null
   * @param requestedOutputTokens the max tokens asked for; -1 when unknown
   * @param streaming whether a stream was asked for
   * @param requestBody the body as sent, only for the raw export; else null
   * @param inputImages images sent with the request
   * @param inputAudioSeconds seconds of audio sent with the request (WAV clips), 0 for none
   */
  public record RawRequest(long creditId, Phase phase, int conversation, int turn,
      String workerId, String requestId, String correlationId, int inputTokens,
      @Nullable String inputText, int requestedOutputTokens, boolean streaming,
      byte @Nullable [] requestBody, int inputImages, double inputAudioSeconds) {}

  /**
   * When each step of one request happened, in {@code NanoClock} nanoseconds; 0 for a step that
   * never happened.
   *
   * @param intendedNanos when the schedule meant it to be sent
   * @param issuedNanos when the timing manager issued its credit
   * @param startNanos when the request was written
   * @param connectionWaitNanos time spent waiting for a connection
   * @param connectionReused whether a pooled connection carried it
   * @param endNanos when it completed or failed
   * @param trace the transport's phase breakdown, when it gives one
   * @param responseStartNanos when a successful (2xx) status line and headers arrived (AIPerf's
   *     {@code request_ack_ns}); 0 when none did
   */
  public record RawTiming(long intendedNanos, long issuedNanos, long startNanos,
      long connectionWaitNanos, boolean connectionReused, long endNanos,
      io.aiperf.api.spi.TransportProvider.@Nullable HttpTrace trace, long responseStartNanos) {}

  /**
   * What came back for one request. A stream keeps its messages one by one ({@code messageData}
   * is not null); a whole body is {@code body}, with its completion time as the one entry of
   * {@code messageNanos}.
   *
   * @param status the HTTP status, 0 when none came
   * @param contentType the response's content type
   * @param messageNanos arrival time of each message (or of the whole body); for a stream, only
   *     the first {@code messageCount} entries of this and the other message arrays count
   * @param messageEvents each SSE message's event name; null when no message had one
   * @param messageData each SSE message's data; null for a whole body
   * @param messageComments each SSE message's comment; null when no message had one
   * @param messageCount how many SSE messages arrived
   * @param body the whole body; null for a stream
   * @param errorType the client-side error, null when the exchange completed
   * @param errorMessage what went wrong, with {@code errorType}
   */
  public record RawResponse(int status, @Nullable String contentType, long[] messageNanos,
      String @Nullable [] messageEvents, byte @Nullable [][] messageData,
      String @Nullable [] messageComments, int messageCount, byte @Nullable [] body,
      @Nullable String errorType, @Nullable String errorMessage) {
    /**
     * The event name of message {@code i} of a stream.
     *
     * @param i the message's index, below {@link #messageCount()}
     * @return its name, or null when it had none
     */
    public @Nullable String messageEvent(int i) {
      String[] events = messageEvents;
      return events == null ? null : events[i];
    }

    /**
     * The comment of message {@code i} of a stream.
     *
     * @param i the message's index, below {@link #messageCount()}
     * @return its comment, or null when it had none
     */
    public @Nullable String messageComment(int i) {
      String[] comments = messageComments;
      return comments == null ? null : comments[i];
    }
  }

  /**
   * One request, turned into metric values (success) or an error. {@code meta} is null for a
   * record the records manager makes itself, for a request whose response was lost.
   *
   * @param values the record metrics' values by metric id: the ids of the run's
   *     {@link io.aiperf.engine.internal.metrics.MetricRegistry}, which a processor in another
   *     process receives in {@link RemoteSpec#recordMetrics()}
   */
  public record ProcessedRecord(
      long creditId,
      Phase phase,
      long startNanos,
      long endNanos,
      boolean success,
      int errorCode,
      @Nullable String errorType,
      @Nullable String errorMessage,
      io.aiperf.engine.internal.metrics.RecordValues values,
      @Nullable RecordMeta meta) implements EngineMessage {}

  /** Who sent a request and when, for the per-request export. */
  public record RecordMeta(String requestId, String correlationId, int conversation, int turn,
      long session, String workerId, String processorId, long intendedNanos, long issuedNanos,
      io.aiperf.api.spi.TransportProvider.@Nullable HttpTrace trace, @Nullable RawRecord raw,
      long responseStartNanos, @Nullable String outputText) {}

  /**
   * The timing manager sent a phase's last credit and every credit of it came back.
   *
   * @param phase the phase
   * @param sent the credits it issued
   * @param cancelled whether the user cancelled the run
   * @param firstCreditId the phase's first credit id: its ids run from here, {@code sent} of
   *     them; -1 when not told
   */
  public record CreditsComplete(Phase phase, long sent, boolean cancelled, long firstCreditId)
      implements EngineMessage {
    /** A phase whose credit ids are not told. */
    public CreditsComplete(Phase phase, long sent, boolean cancelled) {
      this(phase, sent, cancelled, -1);
    }
  }

  /**
   * Periodic progress, with the in-flight view summed over the workers' last health reports.
   *
   * @param completed profiling requests ended so far
   * @param errors profiling requests ended in an error so far
   * @param total requests the run will send, -1 when unknown
   * @param inFlight requests in flight on all workers
   * @param silent requests in flight that received nothing for the silence warning or more
   * @param longestSilenceNanos the longest silence of a request in flight
   * @param oldestInFlightNanos the age of the oldest request in flight
   * @param sinceLastEndNanos time since the last record arrived (or the profiling phase began)
   * @param live the statistics so far for the run's listener; null when the run has none
   */
  public record Progress(long completed, long errors, long total, int inFlight, int silent,
      long longestSilenceNanos, long oldestInFlightNanos, long sinceLastEndNanos,
      io.aiperf.api.@Nullable LiveMetrics live)
      implements EngineMessage {}

  /** The final result, before exporters. */
  public record ProfileResults(BenchmarkResult result) implements EngineMessage {}

  /** A service hit an error it cannot recover from; the run must stop. */
  public record ServiceFailed(String serviceId, String message) implements EngineMessage {}
}
