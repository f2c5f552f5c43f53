package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.FirstToken;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.transport.SseFramer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One exchange of a {@link Worker}. Every {@link ResponseListener} callback runs on the
 * transport's I/O thread and only stamps and keeps bytes: no lock, no bus, no parsing. When the
 * exchange ends it is offered to the worker's hand-off thread, which runs {@link #passOn()}: it
 * builds the raw record, formats a session's next turn, and sends the record, then the credit
 * return.
 */
final class RequestRecorder implements ResponseListener, SseFramer.Sink, Worker.Ended {
  private static final long[] EMPTY_NANOS = new long[0];
  private static final byte[][] NO_DATA = new byte[0][];
  /** What an ended request holds beyond its response bytes (record, arrays, stamps), roughly. */
  private static final long RECORD_OVERHEAD_BYTES = 512;
  /** The {@link #heardNanos()} of a request that ended: the health report no longer counts it. */
  static final long ENDED = Long.MAX_VALUE;
  /**
   * Written on the I/O thread at every read, read by the health report: opaque access is enough
   * (a report a read late is fine) and costs a plain store, no fence on the stamping thread.
   */
  private static final VarHandle HEARD;

  static {
    try {
      HEARD = MethodHandles.lookup().findVarHandle(RequestRecorder.class, "heardNanos",
          long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Worker worker;
  private final Credit credit;
  private final int inputTokens;
  private final @Nullable String inputText;
  private final PreparedConversation conversation;
  private final @Nullable SessionHistory session;
  private final String requestId;
  private final String correlationId;
  private TransportProvider.@Nullable HttpTrace trace;
  private final byte @Nullable [] requestBody;
  /** When the worker took the request: waiting for a connection is silence too. */
  final long createdNanos;
  /** The last read of the response; see {@link #HEARD}. */
  @SuppressWarnings("unused") // through HEARD
  private long heardNanos;
  private long startNanos;
  private long waitNanos;
  private boolean reused;
  private int status;
  private long responseStartNanos;
  private String contentType = "";
  private @Nullable SseFramer framer;
  // Sized when the response starts, on the I/O thread: the pacing thread that creates the
  // recorder allocates as little as possible.
  private long[] nanos = EMPTY_NANOS;
  private byte[][] data = NO_DATA;
  // Event names and comments are rare: their arrays exist once one arrives.
  private String @Nullable [] events;
  private String @Nullable [] comments;
  private int count;
  private byte[] body = new byte[0];
  private int bodyLength;
  /** The stream's payload bytes so far. */
  private long payloadBytes;
  // Set on the I/O thread when the exchange ends, read on the hand-off thread after the offer.
  private long endNanos;
  private @Nullable String errorType;
  private @Nullable String errorMessage;
  private long heldBytes;

  RequestRecorder(Worker worker, Credit credit, int inputTokens, @Nullable String inputText,
      PreparedConversation conversation, @Nullable SessionHistory session, String requestId,
      String correlationId, byte @Nullable [] requestBody) {
    this.worker = worker;
    this.createdNanos = worker.clock.nanoTime();
    this.requestBody = requestBody;
    this.requestId = requestId;
    this.correlationId = correlationId;
    this.credit = credit;
    this.inputTokens = inputTokens;
    this.inputText = inputText;
    this.conversation = conversation;
    this.session = session;
    worker.inFlight.add(this);
  }

  /** The last read, or {@link #ENDED}; from any thread. */
  long heardNanos() {
    return (long) HEARD.getOpaque(this);
  }

  @Override
  public void onRequestSent(long connectionWaitNanos, boolean connectionReused, long start) {
    this.waitNanos = connectionWaitNanos;
    this.reused = connectionReused;
    this.startNanos = start;
  }

  @Override
  public void onResponseStart(int status, String contentType, long nanos) {
    HEARD.setOpaque(this, nanos);
    if (status >= 200 && status < 300) {
      responseStartNanos = nanos; // AIPerf's request_ack_ns: a successful status only
    }
    this.status = status;
    this.contentType = contentType;
    if (status < 300 && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
      framer = new SseFramer(this);
      // Sized as the worker's last stream: the arrays rarely grow (each growth copies them).
      int capacity = Math.max(16, worker.typicalMessages + 8);
      this.nanos = new long[capacity];
      data = new byte[capacity][];
    } else {
      this.nanos = new long[1];
    }
  }

  @Override
  public void onBody(ByteBuffer bytes, long readNanos) {
    HEARD.setOpaque(this, readNanos);
    if (framer != null) {
      framer.feed(bytes, readNanos);
    } else {
      int n = bytes.remaining();
      if (bodyLength + n > body.length) {
        body = Arrays.copyOf(body, Math.max(bodyLength + n, body.length * 2));
      }
      bytes.get(body, bodyLength, n);
      bodyLength += n;
      // For a whole body, the last read's stamp is when the response was complete.
      if (count == 0) {
        nanos[0] = readNanos;
      } else {
        nanos[0] = Math.max(nanos[0], readNanos);
      }
      count = 1;
    }
  }

  @Override
  public void onMessage(@Nullable String event, byte[] payload, @Nullable String comment,
      long readNanos) {
    if (count == nanos.length) {
      int size = count * 2;
      nanos = Arrays.copyOf(nanos, size);
      data = Arrays.copyOf(data, size);
      if (events != null) {
        events = Arrays.copyOf(events, size);
      }
      if (comments != null) {
        comments = Arrays.copyOf(comments, size);
      }
    }
    if (count == 0 && worker.reportFirstToken) {
      // Frees the prefill slot; the first event of a stream marks the end of prefill.
      worker.handoff().offer(worker.new FirstTokenSeen(new FirstToken(credit.id(),
          credit.phase())));
    }
    payloadBytes += payload.length;
    nanos[count] = readNanos;
    data[count] = payload;
    if (event != null) {
      String[] e = events;
      if (e == null) {
        e = new String[nanos.length];
        events = e;
      }
      e[count] = event;
    }
    if (comment != null) {
      String[] c = comments;
      if (c == null) {
        c = new String[nanos.length];
        comments = c;
      }
      c[count] = comment;
    }
    count++;
  }

  @Override
  public void onTrace(TransportProvider.HttpTrace httpTrace) {
    this.trace = httpTrace;
  }

  @Override
  public void onComplete(long endNanos) {
    if (framer != null) {
      framer.finish(endNanos);
    }
    finish(endNanos, null, null);
  }

  @Override
  public void onError(String type, String message, long errorNanos) {
    finish(errorNanos, type, message);
  }

  /** On the I/O thread: the exchange ended; the rest is the hand-off thread's. */
  private void finish(long endNanos, @Nullable String errorType,
      @Nullable String errorMessage) {
    this.endNanos = endNanos;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    heldBytes = (framer != null ? payloadBytes : body.length) + RECORD_OVERHEAD_BYTES;
    if (framer != null) {
      worker.typicalMessages = count;
    }
    HEARD.setOpaque(this, ENDED);
    worker.handoff().offer(this);
  }

  @Override
  public long heldBytes() {
    return heldBytes;
  }

  @Override
  public void passOn() {
    worker.inFlight.remove(this);
    try {
      RawRecord raw = record();
      if (session != null) {
        if (credit.turn() + 1 < conversation.turns().size()) {
          session.prepareNext(AbstractService.initialized(worker.endpoint), conversation,
              credit.turn(), raw.response(), worker.streaming);
        } else {
          worker.sessions.remove(credit.session());
        }
      }
      // The raw record goes first, so when the last credit is back every record is on its way.
      worker.bus.send(Messages.RAW_RECORDS, raw);
    } finally {
      // Whatever failed above (and was logged by the hand-off), the slot comes back.
      worker.bus.send(Messages.CREDIT_RETURNS,
          new CreditReturn(credit.id(), credit.phase(), worker.id));
    }
  }

  private RawRecord record() {
    io.aiperf.api.spi.Turn turn = conversation.turns().get(credit.turn()).turn();
    // A remote worker's stamps go out on the controller's clock (see ClockSync): rebased here,
    // on the hand-off thread, never on the event loop; in the controller's process, as they are.
    // One offset for the whole record (read once), so its intervals stay exact.
    ClockSync sync = worker.clockSync;
    long offset = sync == null ? 0 : sync.appliedNanos();
    RawRecordBuilder record = RawRecord.builder().credit(credit).worker(worker.id)
        .inputMedia(MediaInputs.images(turn.media()), MediaInputs.audioSeconds(turn.media()))
        .ids(requestId, correlationId).inputTokens(inputTokens).inputText(inputText)
        .requestedOutputTokens(turn.maxTokens())
        .streaming(worker.streaming).requestBody(worker.keepBody ? requestBody : null)
        .sent(rebase(offset, startNanos), waitNanos, reused).end(rebase(offset, endNanos))
        .trace(trace).status(status, contentType)
        .responseStart(rebase(offset, responseStartNanos)).error(errorType, errorMessage);
    if (framer != null) {
      if (worker.remote) {
        // Over the network every slot is encoded: send only the filled ones.
        record.stream(rebased(offset, Arrays.copyOf(nanos, count)), events == null ? null
            : Arrays.copyOf(events, count), Arrays.copyOf(data, count),
            comments == null ? null : Arrays.copyOf(comments, count), count);
      } else {
        // In this process the arrays are handed over as they are: this recorder is done.
        record.stream(nanos, events, data, comments, count);
      }
    } else {
      record.body(count == 1 ? new long[] {rebase(offset, nanos[0])} : new long[0],
          Arrays.copyOf(body, bodyLength));
    }
    return record.build();
  }

  /** A stamp moved by the offset; 0 (a step that never happened) stays 0. */
  private static long rebase(long offset, long nanos) {
    return nanos == 0 ? 0 : nanos + offset;
  }

  /** Rebases a copy in place. */
  private static long[] rebased(long offset, long[] copy) {
    if (offset != 0) {
      for (int i = 0; i < copy.length; i++) {
        copy[i] = rebase(offset, copy[i]);
      }
    }
    return copy;
  }
}
