package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.TransportProvider.HttpTrace;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.Messages.RawRequest;
import io.aiperf.engine.internal.service.Messages.RawResponse;
import io.aiperf.engine.internal.service.Messages.RawTiming;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link RawRecord}. What is not set keeps the value of a request that never reached
 * the server (no ids, no input count, no status, no messages), so a record written off before
 * sending names only what it knows.
 */
public final class RawRecordBuilder {
  private static final long[] NO_NANOS = new long[0];

  private long creditId;
  private @Nullable Phase phase;
  private int conversation;
  private int turn;
  private @Nullable String workerId;
  private String requestId = "";
  private String correlationId = "";
  private int inputTokens = -1;
  private @Nullable String inputText;
  private int requestedOutputTokens = -1;
  private int inputImages;
  private double inputAudioSeconds;
  private boolean streaming;
  private byte @Nullable [] requestBody;

  private long intendedNanos;
  private long issuedNanos;
  private long startNanos;
  private long connectionWaitNanos;
  private boolean connectionReused;
  private long endNanos;
  private @Nullable HttpTrace trace;
  private long responseStartNanos;

  private int status;
  private @Nullable String contentType;
  private long[] messageNanos = NO_NANOS;
  private String @Nullable [] messageEvents;
  private byte @Nullable [][] messageData;
  private String @Nullable [] messageComments;
  private int messageCount;
  private byte @Nullable [] body;
  private @Nullable String errorType;
  private @Nullable String errorMessage;

  RawRecordBuilder() {}

  /**
   * The credit the request was sent for: its id, phase, conversation, turn and send times.
   *
   * @param credit the credit
   * @return this builder
   */
  public RawRecordBuilder credit(Credit credit) {
    return credit(credit.id(), credit.phase(), credit.conversation(), credit.turn(),
        credit.intendedNanos(), credit.issuedNanos());
  }

  /**
   * The credit the request was sent for, field by field.
   *
   * @param creditId the credit's id
   * @param phase its phase
   * @param conversation dataset entry index
   * @param turn turn index
   * @param intendedNanos when the schedule meant it to be sent
   * @param issuedNanos when it was issued
   * @return this builder
   */
  public RawRecordBuilder credit(long creditId, Phase phase, int conversation, int turn,
      long intendedNanos, long issuedNanos) {
    this.creditId = creditId;
    this.phase = phase;
    this.conversation = conversation;
    this.turn = turn;
    this.intendedNanos = intendedNanos;
    this.issuedNanos = issuedNanos;
    return this;
  }

  /**
   * The worker that held the credit.
   *
   * @param workerId its id, "" when none was left
   * @return this builder
   */
  public RawRecordBuilder worker(String workerId) {
    this.workerId = workerId;
    return this;
  }

  /**
   * The ids the request carried.
   *
   * @param requestId the X-Request-ID
   * @param correlationId the X-Correlation-ID
   * @return this builder
   */
  public RawRecordBuilder ids(String requestId, String correlationId) {
    this.requestId = requestId;
    this.correlationId = correlationId;
    return this;
  }

  /**
   * The prompt's size, counted before the run.
   *
   * @param inputTokens its tokens; -1 when the record processor counts {@code inputText}
   * @return this builder
   */
  public RawRecordBuilder inputTokens(int inputTokens) {
    this.inputTokens = inputTokens;
    return this;
  }

  /**
   * The prompt, for a record processor to count when its size was not known before the run.
   *
   * @param inputText the prompt's text, or null
   * @return this builder
   */
  public RawRecordBuilder inputText(@Nullable String inputText) {
    this.inputText = inputText;
    return this;
  }

  /**
   * The images and audio sent with the request.
   *
   * @param images the images
   * @param audioSeconds the audio's length, 0 for none or unknown
   * @return this builder
   */
  public RawRecordBuilder inputMedia(int images, double audioSeconds) {
    this.inputImages = images;
    this.inputAudioSeconds = audioSeconds;
    return this;
  }

  /**
   * Sets the output length asked for.
   *
   * @param requestedOutputTokens the max tokens, -1 when unknown
   * @return this builder
   */
  public RawRecordBuilder requestedOutputTokens(int requestedOutputTokens) {
    this.requestedOutputTokens = requestedOutputTokens;
    return this;
  }

  /**
   * Whether a stream was asked for.
   *
   * @param streaming true for a streaming request
   * @return this builder
   */
  public RawRecordBuilder streaming(boolean streaming) {
    this.streaming = streaming;
    return this;
  }

  /**
   * The body as sent, for the raw export.
   *
   * @param requestBody the body, or null when it is not kept
   * @return this builder
   */
  public RawRecordBuilder requestBody(byte @Nullable [] requestBody) {
    this.requestBody = requestBody;
    return this;
  }

  /**
   * The request was written.
   *
   * @param startNanos when
   * @param connectionWaitNanos how long it waited for a connection
   * @param connectionReused whether a pooled connection carried it
   * @return this builder
   */
  public RawRecordBuilder sent(long startNanos, long connectionWaitNanos,
      boolean connectionReused) {
    this.startNanos = startNanos;
    this.connectionWaitNanos = connectionWaitNanos;
    this.connectionReused = connectionReused;
    return this;
  }

  /**
   * The request ended (completed or failed).
   *
   * @param endNanos when
   * @return this builder
   */
  public RawRecordBuilder end(long endNanos) {
    this.endNanos = endNanos;
    return this;
  }

  /**
   * The transport's phase breakdown of the exchange.
   *
   * @param trace the trace, or null
   * @return this builder
   */
  public RawRecordBuilder trace(@Nullable HttpTrace trace) {
    this.trace = trace;
    return this;
  }

  /**
   * The response's status line and type.
   *
   * @param status the HTTP status
   * @param contentType the content type
   * @return this builder
   */
  public RawRecordBuilder status(int status, @Nullable String contentType) {
    this.status = status;
    this.contentType = contentType;
    return this;
  }

  /**
   * When the response's status line and headers arrived.
   *
   * @param nanos the read's stamp, 0 when none arrived
   * @return this builder
   */
  public RawRecordBuilder responseStart(long nanos) {
    this.responseStartNanos = nanos;
    return this;
  }

  /**
   * An SSE response, message by message. The arrays are kept, not copied, and may be longer than
   * {@code count}: only the first {@code count} entries are messages.
   *
   * @param nanos each message's arrival time
   * @param events each message's event name, or null when none had one
   * @param data each message's data
   * @param comments each message's comment, or null when none had one
   * @param count how many messages there are
   * @return this builder
   */
  public RawRecordBuilder stream(long[] nanos, String @Nullable [] events, byte[][] data,
      String @Nullable [] comments, int count) {
    this.messageNanos = nanos;
    this.messageEvents = events;
    this.messageData = data;
    this.messageComments = comments;
    this.messageCount = count;
    return this;
  }

  /**
   * A whole response body. The arrays are kept, not copied.
   *
   * @param nanos when the body was complete (one entry), or none when nothing arrived
   * @param body the body
   * @return this builder
   */
  public RawRecordBuilder body(long[] nanos, byte[] body) {
    this.messageNanos = nanos;
    this.body = body;
    return this;
  }

  /**
   * The exchange failed on the client side.
   *
   * @param type the error type, null when it completed
   * @param message what went wrong
   * @return this builder
   */
  public RawRecordBuilder error(@Nullable String type, @Nullable String message) {
    this.errorType = type;
    this.errorMessage = message;
    return this;
  }

  /**
   * Makes the record.
   *
   * @return the raw record
   */
  public RawRecord build() {
    return new RawRecord(
        new RawRequest(creditId,
            Objects.requireNonNull(phase, "credit(...) names the phase; every record has one"),
            conversation, turn,
            Objects.requireNonNull(workerId, "worker(...) names the worker; every record has one"),
            requestId, correlationId,
            inputTokens, inputText, requestedOutputTokens, streaming, requestBody, inputImages,
            inputAudioSeconds),
        new RawTiming(intendedNanos, issuedNanos, startNanos, connectionWaitNanos,
            connectionReused, endNanos, trace, responseStartNanos),
        new RawResponse(status, contentType, messageNanos, messageEvents, messageData,
            messageComments, messageCount, body, errorType, errorMessage));
  }
}
