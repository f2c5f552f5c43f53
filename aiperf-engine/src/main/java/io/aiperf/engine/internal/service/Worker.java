package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.CancelInFlight;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.FirstToken;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.Messages.WorkerReady;
import io.aiperf.engine.internal.transport.SseFramer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests. Each worker owns a transport (one event loop and its connections); a credit is
 * handed straight to the transport, and everything about the response is recorded on the I/O
 * thread as raw bytes and timestamps, then passed on for parsing elsewhere.
 */
final class Worker extends AbstractService {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Worker.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final long[] EMPTY_NANOS = new long[0];
  private static final String[] NO_STRINGS = new String[0];
  private static final byte[][] NO_DATA = new byte[0][];
  static final int MAX_CONNECTIONS_UNBOUNDED = 2_500;
  private volatile @Nullable List<PreparedConversation> dataset;
  private final Map<Long, SessionState> sessions = new java.util.concurrent.ConcurrentHashMap<>();
  // Set by onInitialize, before the first credit.
  private EndpointProvider.@Nullable Endpoint endpoint;
  /** One transport per server of the endpoint (usually one). */
  private Transport[] transports = new Transport[0];
  private @Nullable String path;
  private boolean streaming;
  private @Nullable Duration timeout;
  private boolean reportFirstToken;
  private boolean keepBody;
  private volatile boolean stopped;
  /**
   * Requests handed to the transport and not yet ended. Only the health report reads it, once a
   * second; the request path adds and removes, which never blocks.
   */
  private final java.util.Set<RequestRecorder> inFlight =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long silenceNanos;
  /**
   * Written on the I/O thread at every read, read by the health report: opaque access is enough
   * (a report a read late is fine) and costs a plain store, no fence on the stamping thread.
   */
  private static final java.lang.invoke.VarHandle HEARD;

  static {
    try {
      HEARD = java.lang.invoke.MethodHandles.lookup()
          .findVarHandle(RequestRecorder.class, "heardNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Whether this worker runs in another process than the controller. */
  private final boolean remote;
  private final NanoClock clock;

  Worker(String id, MessageBus bus, BenchmarkConfig config) {
    this(id, bus, config, false);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote) {
    this(id, bus, config, remote, NanoClock.SYSTEM);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote, NanoClock clock) {
    super(id, bus, config);
    this.remote = remote;
    this.clock = clock;
  }

  @Override
  void onInitialize() {
    URI base = EngineSupport.baseUri(config.endpoint());
    TransportProvider provider = Plugins.all(TransportProvider.class).stream()
        .filter(p -> p.supports(base)).findFirst()
        .orElseThrow(() -> new IllegalStateException("No transport serves " + base.getScheme()
            + " URLs; found " + Plugins.names(TransportProvider.class)));
    path = EngineSupport.path(config);
    endpoint = EngineSupport.endpointProvider(config).create(config.endpoint());
    reportFirstToken = config.prefillConcurrency().isPresent();
    keepBody = config.exportLevel() == io.aiperf.api.ExportLevel.RAW
        && config.artifactDir().isPresent();
    streaming = EngineSupport.streaming(config);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", streaming ? "text/event-stream" : "application/json");
    headers.putAll(EngineSupport.headers(config.endpoint()));
    List<String> urls = config.endpoint().urls();
    Transport[] opened = new Transport[urls.size()];
    TransportProvider.Tls tls = new TransportProvider.Tls(
        config.endpoint().tlsTrust().orElse(null), config.endpoint().tlsInsecure(),
        config.endpoint().http2());
    for (int i = 0; i < opened.length; i++) {
      URI server = EngineSupport.baseUri(urls.get(i));
      opened[i] = provider.open(new TransportProvider.Options(server, headers, 1,
          CONNECT_TIMEOUT, connectionShare(), ClientLimits.sourceAddresses(config, server,
              ClientLimits.expectedConnections(config, MAX_CONNECTIONS_UNBOUNDED)), tls));
    }
    transports = opened;
    timeout = config.endpoint().requestTimeout();
    silenceNanos = config.silenceWarning().toNanos();
    track(bus.subscribe(DatasetReady.class, d -> {
      dataset = d.conversations();
      // The controller starts the clock only when every worker holds the dataset.
      bus.publish(new Messages.DatasetReceived(id));
    }));
    track(bus.subscribe(CancelInFlight.class, this::cancelInFlight));
    // Runnable::run: the timing thread hands the credit straight to the transport's event loop.
    track(bus.consume(Messages.creditsFor(id), Runnable::run, m -> onCredit((Credit) m)));
  }

  /**
   * This worker's connection cap: the concurrency when it bounds the run (a worker never has more
   * in flight, so no request waits behind the cap while the run's limit allows it), else AIPerf's
   * per-worker limit of 2,500 (beyond that a server or the client's ports give out first).
   */
  private int connectionShare() {
    return config.concurrency() > 0 ? config.concurrency() : MAX_CONNECTIONS_UNBOUNDED;
  }

  @Override
  void onStart() {
    bus.publish(new WorkerReady(id, remote));
    scheduleHealth();
  }

  /** Every second, off the I/O thread: the JDK's shared delay scheduler, no thread of our own. */
  private void scheduleHealth() {
    java.util.concurrent.CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS)
        .execute(() -> {
          if (stopped) {
            return;
          }
          try {
            // Also the heartbeat: a remote worker that stops sending it is declared lost.
            var lag = java.util.Arrays.stream(transports).map(Transport::loopLag)
                .flatMap(java.util.Optional::stream)
                .max(java.util.Comparator.comparingLong(l -> l.p99Nanos()));
            publishHealth(lag);
          } catch (RuntimeException e) {
            log.debug("Health report of {} failed: {}", id, e.toString());
          }
          scheduleHealth();
        });
  }

  private void publishHealth(java.util.Optional<TransportProvider.LoopLag> lag) {
    long now = clock.nanoTime();
    int count = 0;
    int silent = 0;
    long longestSilence = 0;
    long oldest = 0;
    for (RequestRecorder r : inFlight) {
      count++;
      long quiet = now - Math.max(r.createdNanos, (long) HEARD.getOpaque(r));
      longestSilence = Math.max(longestSilence, quiet);
      oldest = Math.max(oldest, now - r.createdNanos);
      if (silenceNanos > 0 && quiet >= silenceNanos) {
        silent++;
      }
    }
    bus.publish(new Messages.WorkerHealth(id, lag.map(l -> l.samples()).orElse(0L),
        lag.map(l -> l.p99Nanos()).orElse(0L), lag.map(l -> l.maxNanos()).orElse(0L), count,
        silent, longestSilence, oldest));
  }

  private void onCredit(Credit credit) {
    List<PreparedConversation> data = dataset;
    if (data == null) {
      // Cannot happen while the controller waits for every worker's DatasetReceived; if it does,
      // the credit still ends in a record rather than vanishing with an exception.
      bus.send(Messages.RAW_RECORDS, RawRecord.builder().credit(credit).worker(id)
          .streaming(streaming).end(clock.nanoTime())
          .error("WorkerNotReady", id + " had no dataset yet").build());
      bus.send(Messages.CREDIT_RETURNS, new CreditReturn(credit.id(), credit.phase(), id));
      return;
    }
    PreparedConversation conversation = data.get(credit.conversation());
    PreparedTurn turn = conversation.turns().get(credit.turn());
    byte[] body = turn.body();
    int inputTokens = turn.inputTokens();
    String inputText = null;
    SessionState session = null;
    if (conversation.turns().size() > 1) {
      if (credit.turn() == 0) {
        session = new SessionState(requestId());
        sessions.put(credit.session(), session);
      } else {
        session = sessions.get(credit.session());
        if (session == null) {
          // Never drop a credit: account for the turn as an error and give the slot back.
          new RequestRecorder(credit, -1, null, conversation, null, requestId(), "", new byte[0])
              .onError("SessionError", "No history for session " + credit.session()
                  + " on " + id, clock.nanoTime());
          return;
        }
        body = session.nextBody;
        inputText = session.nextInputText;
      }
    }
    // A session keeps one correlation id over its turns, as AIPerf's X-Correlation-ID.
    String requestId = requestId();
    String correlation = session != null ? session.correlationId : requestId();
    RequestRecorder recorder = new RequestRecorder(credit, inputTokens, inputText, conversation,
        session, requestId, correlation, body);
    try {
      // Several servers: a conversation stays on one (its KV cache), conversations take turns.
      Transport t = transports.length == 1 ? transports[0]
          : transports[(int) Math.floorMod(credit.session(), (long) transports.length)];
      t.send(new TransportProvider.Request(initialized(path), requestId, correlation,
          Objects.requireNonNull(body, "the previous turn prepared this one's body"),
          initialized(timeout), credit.cancelAfterNanos()), recorder);
    } catch (RuntimeException e) {
      // The credit must come back and the request must be accounted for, whatever happened.
      recorder.onError("TransportError", "The request could not be sent: " + e, clock.nanoTime());
    }
  }

  /** Ends every request still in flight as cancelled (after the run's drain time). */
  private void cancelInFlight(CancelInFlight c) {
    for (Transport t : transports) {
      t.cancelInFlight(c.reason());
    }
  }

  /** A random UUID without SecureRandom, which would contend on the send path. */
  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }

  @Override
  void onStop() {
    stopped = true;
    for (Transport t : transports) {
      t.close();
    }
  }

  /**
   * A running session's history. Turns of a session are sequential (the next credit comes only
   * after this turn's return), so each field is written before the credit that reads it is sent.
   */
  private static final class SessionState {
    final String correlationId;
    final List<ChatMessage> history = new ArrayList<>();
    volatile byte @Nullable [] nextBody;
    volatile @Nullable String nextInputText;

    SessionState(String correlationId) {
      this.correlationId = correlationId;
    }
  }

  /**
   * After a turn: append the user turn and the server's real reply to the history, and format the
   * next turn now, so nothing is formatted when its credit arrives.
   */
  private void prepareNextTurn(SessionState session, PreparedConversation conversation, int turn,
      String reply) {
    Turn sent = conversation.turns().get(turn).turn();
    session.history.add(new ChatMessage("user", String.join(" ", sent.texts())));
    session.history.add(new ChatMessage("assistant", reply));
    Turn next = conversation.turns().get(turn + 1).turn();
    session.nextBody = initialized(endpoint).formatRequest(List.copyOf(session.history), next, streaming);
    StringBuilder text = new StringBuilder();
    for (ChatMessage m : session.history) {
      text.append(m.content()).append(' ');
    }
    session.nextInputText = text.append(String.join(" ", next.texts())).toString();
  }

  /** The reply's text, for the history; unparseable pieces are left out. */
  private String replyText(byte @Nullable [][] messages, int count, byte @Nullable [] body) {
    StringBuilder reply = new StringBuilder();
    if (messages != null) {
      for (int i = 0; i < count; i++) {
        appendContent(reply, messages[i]);
      }
    } else if (body != null) {
      appendContent(reply, body);
    }
    return reply.toString();
  }

  private void appendContent(StringBuilder reply, byte[] data) {
    try {
      ParsedResponse r = initialized(endpoint).parse(data, 0, data.length);
      if (r != null && r.content() != null) {
        reply.append(r.content());
      }
    } catch (IllegalArgumentException notAResponse) {
      // Errors and odd events carry no reply text.
    }
  }

  /** Records one exchange; every callback runs on the transport's I/O thread. */
  private final class RequestRecorder implements ResponseListener, SseFramer.Sink {
    private final Credit credit;
    private final int inputTokens;
    private final @Nullable String inputText;
    private final PreparedConversation conversation;
    private final @Nullable SessionState session;
    private final String requestId;
    private final String correlationId;
    private TransportProvider.@Nullable HttpTrace trace;
    private final byte @Nullable [] requestBody;
    /** When the worker took the request: waiting for a connection is silence too. */
    final long createdNanos = clock.nanoTime();
    /** The last read of the response; see {@link #HEARD}. */
    @SuppressWarnings("unused") // through HEARD
    private long heardNanos;
    private long startNanos;
    private long waitNanos;
    private boolean reused;
    private int status;
    private String contentType = "";
    private @Nullable SseFramer framer;
    // Sized when the response starts, on the I/O thread: the pacing thread that creates the
    // recorder allocates as little as possible.
    private long[] nanos = EMPTY_NANOS;
    private String[] events = NO_STRINGS;
    private byte[][] data = NO_DATA;
    private String[] comments = NO_STRINGS;
    private int count;
    private byte[] body = new byte[0];
    private int bodyLength;

    RequestRecorder(Credit credit, int inputTokens, @Nullable String inputText,
        PreparedConversation conversation, @Nullable SessionState session, String requestId,
        String correlationId, byte @Nullable [] requestBody) {
      this.requestBody = requestBody;
      this.requestId = requestId;
      this.correlationId = correlationId;
      this.credit = credit;
      this.inputTokens = inputTokens;
      this.inputText = inputText;
      this.conversation = conversation;
      this.session = session;
      inFlight.add(this);
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
      this.status = status;
      this.contentType = contentType;
      if (status < 300 && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        framer = new SseFramer(this);
        this.nanos = new long[64];
        events = new String[64];
        data = new byte[64][];
        comments = new String[64];
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
        events = Arrays.copyOf(events, size);
        data = Arrays.copyOf(data, size);
        comments = Arrays.copyOf(comments, size);
      }
      if (count == 0 && reportFirstToken) {
        // Frees the prefill slot; the first event of a stream marks the end of prefill.
        bus.send(Messages.CREDIT_RETURNS, new FirstToken(credit.id(), credit.phase()));
      }
      nanos[count] = readNanos;
      events[count] = event;
      data[count] = payload;
      comments[count] = comment;
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

    private void finish(long endNanos, @Nullable String errorType,
        @Nullable String errorMessage) {
      inFlight.remove(this);
      boolean sse = framer != null;
      RawRecordBuilder record = RawRecord.builder().credit(credit).worker(id)
          .ids(requestId, correlationId).inputTokens(inputTokens).inputText(inputText)
          .requestedOutputTokens(conversation.turns().get(credit.turn()).turn().maxTokens())
          .streaming(streaming).requestBody(keepBody ? requestBody : null)
          .sent(startNanos, waitNanos, reused).end(endNanos).trace(trace)
          .status(status, contentType).error(errorType, errorMessage);
      if (sse) {
        record.stream(Arrays.copyOf(nanos, count), Arrays.copyOf(events, count),
            Arrays.copyOf(data, count), Arrays.copyOf(comments, count), count);
      } else {
        record.body(count == 1 ? new long[] {nanos[0]} : new long[0],
            Arrays.copyOf(body, bodyLength));
      }
      RawRecord raw = record.build();
      if (session != null) {
        if (credit.turn() + 1 < conversation.turns().size()) {
          try {
            prepareNextTurn(session, conversation, credit.turn(), errorType != null ? ""
                : replyText(raw.response().messageData(), raw.response().messageCount(),
                    raw.response().body()));
          } catch (RuntimeException e) {
            // The next turn is then sent with the history so far; never lose the credit.
            session.nextBody = initialized(endpoint).formatRequest(List.copyOf(session.history),
                conversation.turns().get(credit.turn() + 1).turn(), streaming);
          }
        } else {
          sessions.remove(credit.session());
        }
      }
      // The raw record goes first, so when the last credit is back every record is on its way.
      bus.send(Messages.RAW_RECORDS, raw);
      bus.send(Messages.CREDIT_RETURNS, new CreditReturn(credit.id(), credit.phase(), id));
    }
  }
}
