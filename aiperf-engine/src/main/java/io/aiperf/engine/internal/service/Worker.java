package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.Transport;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.bus.Handoff;
import io.aiperf.engine.internal.service.Messages.CancelInFlight;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.FirstToken;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.Messages.WorkerReady;
import io.aiperf.engine.internal.timing.RealtimeThreads;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests. Each worker owns a transport (one event loop and its connections); a credit is
 * handed straight to the transport. On the I/O thread a response is only stamped and its bytes
 * kept; when it ends, the I/O thread offers it to the worker's hand-off thread ({@link Handoff}:
 * a lock-free enqueue, never a wait), which builds the raw record, formats a session's next turn
 * and sends the record and the credit return on the bus, where a send may block.
 *
 * <p>Back-pressure: when the hand-off thread falls behind, the ended responses it holds count
 * against {@link #HELD_BYTES_BUDGET}; over it, a new credit waits on the thread that delivers it
 * (the timing manager's), never on an event loop, so the delay shows as send lateness, and the
 * worker says so in a warning.
 */
final class Worker extends AbstractService {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Worker.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_CONNECTIONS_UNBOUNDED = 2_500;
  /**
   * Bytes of ended responses the hand-off thread may hold before new credits wait: far above what
   * it holds while it keeps up (one batch of reads), small next to a heap.
   */
  static final long HELD_BYTES_BUDGET = 64L << 20;
  /** A stall is reported at most this often; the total comes again when the worker stops. */
  private static final long STALL_WARNING_INTERVAL_NANOS = 10_000_000_000L;
  private volatile @Nullable List<PreparedConversation> dataset;
  final Map<Long, SessionHistory> sessions = new java.util.concurrent.ConcurrentHashMap<>();
  // Set by onInitialize, before the first credit.
  EndpointProvider.@Nullable Endpoint endpoint;
  /** One transport per server of the endpoint (usually one). */
  private Transport[] transports = new Transport[0];
  private @Nullable String path;
  boolean streaming;
  private @Nullable Duration timeout;
  boolean reportFirstToken;
  boolean keepBody;
  private volatile boolean stopped;
  private final long budgetBytes;
  /** Set by onInitialize, before the first credit. */
  @Nullable Handoff<Ended> handoff;
  /** Credits that waited for the hand-off thread to catch up, and how long in all. */
  private final AtomicLong stalls = new AtomicLong();
  private final AtomicLong stalledNanos = new AtomicLong();
  private final AtomicLong lastStallWarning = new AtomicLong(Long.MIN_VALUE);
  /**
   * Requests handed to the transport and not yet passed on. Only the health report reads it, once
   * a second; the timing thread adds and the hand-off thread removes (a removal may lock a bin of
   * the map, so no I/O thread does it); one that ended says so at once.
   */
  final java.util.Set<RequestRecorder> inFlight =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long silenceNanos;

  /** Whether this worker runs in another process than the controller. */
  final boolean remote;
  /**
   * Messages in this worker's last stream, to size the next one's arrays. Written by every I/O
   * thread without ordering: a stale or torn-free int is still a fine guess.
   */
  int typicalMessages;
  final NanoClock clock;
  /** This process's offset to the controller's clock; null in the controller's process. */
  final @Nullable ClockSync clockSync;
  /**
   * Credits sent ahead of their time, held until then; null unless this worker keeps the
   * controller's time (remote, its offset measured and applied). Set by onInitialize.
   */
  private @Nullable HeldCredits held;

  Worker(String id, MessageBus bus, BenchmarkConfig config) {
    this(id, bus, config, false);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote) {
    this(id, bus, config, remote, NanoClock.SYSTEM);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote, NanoClock clock) {
    this(id, bus, config, remote, clock, HELD_BYTES_BUDGET);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote, NanoClock clock,
      long budgetBytes) {
    this(id, bus, config, remote, clock, budgetBytes, null);
  }

  Worker(String id, MessageBus bus, BenchmarkConfig config, boolean remote, NanoClock clock,
      long budgetBytes, @Nullable ClockSync clockSync) {
    super(id, bus, config);
    this.remote = remote;
    this.clock = clock;
    this.budgetBytes = budgetBytes;
    this.clockSync = clockSync;
  }

  /**
   * A stamp of this worker's clock on the controller's. Only a worker in another process has a
   * {@link ClockSync}; in the controller's process the stamps are already on its clock and
   * nothing is added.
   */
  long toController(long localNanos) {
    ClockSync sync = clockSync;
    return sync == null ? localNanos : sync.toController(localNanos);
  }

  @Override
  void onInitialize() {
    URI base = EngineSupport.baseUri(config.endpoint());
    TransportProvider provider = Plugins.all(TransportProvider.class).stream()
        .filter(p -> p.supports(base)).findFirst()
        .orElseThrow(() -> new IllegalStateException("No transport serves " + base.getScheme()
            + " URLs; found " + Plugins.names(TransportProvider.class)));
    path = EngineSupport.path(config);
    endpoint = EngineSupport.endpoint(config);
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
              ClientLimits.expectedConnections(config, MAX_CONNECTIONS_UNBOUNDED)), tls,
          config.realtimeIo()));
    }
    transports = opened;
    timeout = config.endpoint().requestTimeout();
    silenceNanos = config.silenceWarning().toNanos();
    track(bus.subscribe(DatasetReady.class, d -> {
      dataset = d.conversations();
      // The controller starts the clock only when every worker holds the dataset and its
      // connections: off the I/O thread that opened the last one (a bus send may wait).
      preconnect().whenCompleteAsync((count, e) ->
          bus.publish(new Messages.DatasetReceived(id)));
    }));
    track(bus.subscribe(CancelInFlight.class, this::cancelInFlight));
    ClockSync sync = clockSync;
    if (remote && sync != null && sync.keepsControllerTime()) {
      HeldCredits h = new HeldCredits("aiperf-held-" + id, clock, sync::toLocal, this::onCredit);
      held = h;
      h.start(); // now, not at the first credit: see HeldCredits
      log.info("{} holds credits sent ahead and sends each at its intended time on this"
          + " host's clock (offset to the controller's {} ms)", id,
          String.format(java.util.Locale.ROOT, "%.3f", sync.appliedNanos() / 1e6));
      // A cancelled run sends no more: what is held goes back unsent.
      track(bus.subscribe(Messages.ProfileCancel.class, c -> giveBackHeld(true)));
    }
    boolean closedLoop = !EngineSupport.openLoop(config);
    // A stall in warm-up (JIT, the first connections, their garbage) delayed no profiled stamp.
    track(bus.subscribe(Messages.PhaseStarted.class, s -> {
      if (s.phase() == Messages.Phase.PROFILING) {
        for (Transport t : transports) {
          t.restartLoopLag();
        }
        // Nor does it say whether the profiled load is at the ceiling: a warm-up's first
        // seconds run code not yet compiled, took real time from the I/O threads, and at
        // 5,000 requests/s kept it from them for half of the profiled window.
        RealtimeThreads.loadStarts(closedLoop);
      }
    }));
    handoff = new Handoff<Ended>("aiperf-handoff-" + id, budgetBytes, Ended::heldBytes,
        Ended::passOn, clock);
    // Runnable::run: the timing thread hands the credit straight to the transport's event loop.
    track(bus.consume(Messages.creditsFor(id), Runnable::run, m -> accept((Credit) m)));
  }

  /** A credit sent ahead waits for its time; any other goes at once. */
  private void accept(Credit credit) {
    HeldCredits h = held;
    if (!credit.ahead() || h == null) {
      onCredit(credit);
      return;
    }
    switch (h.hold(credit)) {
      case HELD -> { }
      case DUE -> onCredit(credit);
      case REFUSED -> giveBack(credit);
    }
  }

  /**
   * Gives back what is held: the run was cancelled (then later credits are refused too), or
   * the phase's requests in flight are being cancelled.
   */
  private void giveBackHeld(boolean runCancelled) {
    HeldCredits h = held;
    if (h != null) {
      List<Credit> unsent = runCancelled ? h.cancel() : h.drain();
      if (!unsent.isEmpty()) {
        log.info("{}: {} credits held for their time were given back unsent: the {} was"
            + " cancelled", id, unsent.size(), runCancelled ? "run" : "phase");
      }
      unsent.forEach(this::giveBack);
    }
  }

  /** Returns a credit no request was made for: no record, and not counted as sent. */
  private void giveBack(Credit credit) {
    bus.send(Messages.CREDIT_RETURNS, new CreditReturn(credit.id(), credit.phase(), id, true));
  }

  /**
   * Opens this worker's share of a closed-loop run's connections before its clock starts (see
   * {@link Transport#preconnect}); an open-loop run's need is not known ahead and is not guessed.
   * Bounded by the connect timeout: a server that does not answer delays the start no longer.
   */
  private CompletableFuture<Integer> preconnect() {
    int workers = Math.max(1, config.workers() + config.remoteWorkers());
    if (config.concurrency() <= 0 || transports.length == 0) {
      return CompletableFuture.completedFuture(0);
    }
    int share = (config.concurrency() + workers - 1) / workers;
    long started = clock.nanoTime();
    // Within the start-up step that waits for it, so a stalling server is named by the timeout
    // of connecting, not by the step's.
    long boundMillis = Math.max(1, Math.min(CONNECT_TIMEOUT.toMillis(),
        config.startupTimeout().toMillis() / 2));
    List<CompletableFuture<Integer>> opening = new java.util.ArrayList<>();
    for (int i = 0; i < transports.length; i++) {
      // Sessions go to the servers in turn, so each gets its part of the share.
      int part = share / transports.length + (i < share % transports.length ? 1 : 0);
      opening.add(transports[i].preconnect(part).toCompletableFuture()
          .completeOnTimeout(0, boundMillis, TimeUnit.MILLISECONDS)
          .exceptionally(e -> 0));
    }
    return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).thenApply(v -> {
      int opened = opening.stream().mapToInt(CompletableFuture::join).sum();
      long millis = (clock.nanoTime() - started) / 1_000_000;
      if (opened < share) {
        // Refused or failed before any request: no request error counts them.
        log.warn("{} opened {} of the {} connections it opens before the run ({} ms): the"
            + " server refused or did not answer the others in time; requests open them as they"
            + " need them, and report what fails then", id, opened, share, millis);
      } else {
        log.debug("{} opened {} connections before the run in {} ms", id, opened, millis);
      }
      return opened;
    });
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
    bus.publish(new WorkerReady(id, remote, held != null));
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
      long heard = r.heardNanos();
      if (heard == RequestRecorder.ENDED) {
        continue;
      }
      count++;
      long quiet = now - Math.max(r.createdNanos, heard);
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
    long waited = handoff().awaitRoom();
    if (waited > 0) {
      noteStall(waited);
    }
    List<PreparedConversation> data = dataset;
    if (data == null) {
      // Cannot happen while the controller waits for every worker's DatasetReceived; if it does,
      // the credit still ends in a record rather than vanishing with an exception.
      bus.send(Messages.RAW_RECORDS, RawRecord.builder().credit(credit).worker(id)
          .streaming(streaming).end(toController(clock.nanoTime()))
          .error("WorkerNotReady", id + " had no dataset yet").build());
      bus.send(Messages.CREDIT_RETURNS, new CreditReturn(credit.id(), credit.phase(), id));
      return;
    }
    PreparedConversation conversation = data.get(credit.conversation());
    PreparedTurn turn = conversation.turns().get(credit.turn());
    byte[] body = turn.body();
    int inputTokens = turn.inputTokens();
    String inputText = null;
    SessionHistory session = null;
    if (conversation.turns().size() > 1) {
      if (credit.turn() == 0) {
        session = new SessionHistory(requestId());
        sessions.put(credit.session(), session);
      } else {
        session = sessions.get(credit.session());
        if (session == null) {
          // Never drop a credit: account for the turn as an error and give the slot back.
          new RequestRecorder(this, credit, -1, null, conversation, null, requestId(), "",
              new byte[0])
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
    RequestRecorder recorder = new RequestRecorder(this, credit, inputTokens, inputText,
        conversation, session, requestId, correlation, body);
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

  /** The hand-off to this worker's own thread; set before the first credit. */
  Handoff<Ended> handoff() {
    return initialized(handoff);
  }

  /**
   * A credit waited for the hand-off thread: warns at once, then at most every ten seconds, so a
   * client that cannot keep up with its responses says so instead of growing a silent backlog.
   */
  private void noteStall(long waitedNanos) {
    long n = stalls.incrementAndGet();
    long total = stalledNanos.addAndGet(waitedNanos);
    long now = clock.nanoTime();
    long last = lastStallWarning.get();
    if ((last == Long.MIN_VALUE || now - last >= STALL_WARNING_INTERVAL_NANOS)
        && lastStallWarning.compareAndSet(last, now)) {
      log.warn("{} held over {} MiB of ended responses not yet passed on: the client processes"
          + " responses slower than they arrive, so new requests wait and are sent late ({}"
          + " delayed so far, {} ms in all)", id, handoff().budgetBytes() >> 20, n,
          total / 1_000_000);
    }
  }

  /** Ends every request still in flight as cancelled (after the run's drain time). */
  private void cancelInFlight(CancelInFlight c) {
    giveBackHeld(false); // not in flight yet: they never will be
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
    HeldCredits holder = held;
    if (holder != null) {
      holder.close();
      log.info("{}: {}", id, holder.summary());
    }
    for (Transport t : transports) {
      t.close();
    }
    Handoff<Ended> h = handoff;
    if (h != null) {
      // Whatever ended before, closing the transports included, is passed on.
      h.close(Duration.ofSeconds(10));
    }
    long n = stalls.get();
    if (n > 0) {
      log.warn("{}: {} requests waited {} ms in all for the worker to pass on ended responses",
          id, n, stalledNanos.get() / 1_000_000);
    }
  }

  /** What an I/O thread hands to the hand-off thread. */
  sealed interface Ended permits RequestRecorder, FirstTokenSeen {
    /** Bytes held until passed on, the same at the offer and after. */
    long heldBytes();

    /** On the hand-off thread: sends what the I/O thread must not. */
    void passOn();
  }

  /** A stream's first event: frees the request's prefill slot. */
  final class FirstTokenSeen implements Ended {
    private final FirstToken message;

    FirstTokenSeen(FirstToken message) {
      this.message = message;
    }

    @Override
    public long heldBytes() {
      return 64;
    }

    @Override
    public void passOn() {
      bus.send(Messages.CREDIT_RETURNS, message);
    }
  }
}
