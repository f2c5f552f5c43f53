package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.RequestView;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Usage;
import io.aiperf.engine.internal.endpoint.ChunkReader;
import io.aiperf.engine.internal.endpoint.StreamText;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.Messages.RawRequest;
import io.aiperf.engine.internal.service.Messages.RawResponse;
import io.aiperf.engine.internal.service.Messages.RawTiming;
import io.aiperf.engine.internal.service.Messages.RecordMeta;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records into metric values, off the measurement path: parses each response, splits
 * content from reasoning, tokenizes the output once (joined text, as AIPerf does) and computes
 * every applicable record metric. Malformed responses become typed error records.
 */
final class RecordProcessor extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(RecordProcessor.class);
  private static final int MAX_ERROR_BODY = 500;

  // Set by onInitialize, before the first record arrives.
  private @Nullable ExecutorService executor;
  private EndpointProvider.@Nullable Endpoint endpoint;
  /** Reads chat and completions chunks without a String or a ParsedResponse each; else null. */
  private @Nullable ChunkReader chunks;
  /** The text of the record being processed: the processor handles one record at a time. */
  private final StreamText content = new StreamText();
  private boolean producesTokens;
  private boolean serverTokenCount;
  private boolean openLoop;
  /** Counts with the run's tokenizer, reusing the counts of pieces of text seen before. */
  private @Nullable TokenCounter tokens;
  private @Nullable MetricRegistry registry;
  /** The ids of the metrics that apply to a streamed response, and to a whole one. */
  private int[] streamedIds = new int[0];
  private int[] wholeIds = new int[0];
  private int errorIslId = -1;
  private int contextOverflowId = -1;
  /** Reused for every record: the processor handles one record at a time. */
  private RecordValues.@Nullable Builder values;
  private final io.aiperf.api.spi.Secrets secrets;

  /** For a processor in another process: whether the controller's run is open-loop. */
  private final @Nullable Boolean openLoopOverride;
  /** For a processor in another process: the controller's metric tags, in id order. */
  private final @Nullable List<String> metricTags;

  RecordProcessor(String id, MessageBus bus, BenchmarkConfig config) {
    this(id, bus, config, null, null);
  }

  RecordProcessor(String id, MessageBus bus, BenchmarkConfig config, @Nullable Boolean openLoop,
      @Nullable List<String> metricTags) {
    super(id, bus, config);
    secrets = io.aiperf.api.spi.Secrets.of(config.endpoint());
    this.openLoopOverride = openLoop;
    this.metricTags = metricTags;
  }

  @Override
  void onInitialize() {
    EndpointProvider provider = EngineSupport.endpointProvider(config);
    endpoint = provider.create(config.endpoint());
    chunks = ChunkReader.of(endpoint);
    producesTokens = provider.producesTokens();
    serverTokenCount = config.endpoint().useServerTokenCount();
    openLoop = openLoopOverride != null ? openLoopOverride : EngineSupport.openLoop(config);
    tokens = new TokenCounter(EngineSupport.tokenizer(config));
    MetricRegistry registry = metricTags == null ? MetricRegistry.installed()
        : MetricRegistry.installed().orderedAs(metricTags);
    this.registry = registry;
    streamedIds = applicable(registry, true);
    wholeIds = applicable(registry, false);
    errorIslId = registry.id("error_isl");
    contextOverflowId = registry.id("context_overflow");
    values = new RecordValues.Builder(registry.size());
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, id);
      t.setDaemon(true);
      return t;
    });
    this.executor = executor;
    track(bus.consume(Messages.RAW_RECORDS, executor, m -> {
      RawRecord raw = (RawRecord) m;
      ProcessedRecord processed;
      try {
        processed = process(raw);
      } catch (RuntimeException e) {
        // A bug in a parser or metric plugin must cost one record, never the run's accounting.
        log.warn("Processing record {} failed: {}", raw.request().creditId(), e.toString(), e);
        processed = error(raw, start(raw), 0, "RecordProcessingError",
            "aiperf could not process this response: " + e);
      }
      bus.send(Messages.RECORDS, processed);
    }));
  }

  /** The ids of the metrics this run computes for a streamed or a whole response. */
  private int[] applicable(MetricRegistry registry, boolean streaming) {
    List<Integer> ids = new ArrayList<>();
    for (int id = 0; id < registry.size(); id++) {
      MetricInfo info = registry.info(id);
      if (registry.metric(id) == null
          || (info.has(MetricFlag.STREAMING_ONLY) && !streaming)
          || (info.has(MetricFlag.PRODUCES_TOKENS_ONLY) && !producesTokens)
          || (info.has(MetricFlag.OPEN_LOOP_ONLY) && !openLoop)) {
        continue;
      }
      ids.add(id);
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** When a request began: when it was written, or when it was issued if it never was. */
  private static long start(RawRecord raw) {
    return raw.timing().startNanos() > 0 ? raw.timing().startNanos() : raw.timing().issuedNanos();
  }

  ProcessedRecord process(RawRecord raw) {
    TokenCounter tokens = initialized(this.tokens);
    long start = start(raw);
    RawRequest request = raw.request();
    RawResponse response = raw.response();
    if (response.errorType() != null) {
      int code = "RequestCancellationError".equals(response.errorType()) ? 499 : 0;
      return error(raw, start, code, response.errorType(), response.errorMessage());
    }
    if (response.status() < 200 || response.status() >= 300) {
      return httpError(raw, start);
    }
    Parsed parsed;
    try {
      parsed = response.messageData() != null ? parseStream(response) : parseBody(response);
    } catch (SseError e) {
      return error(raw, start, 502, "SSEResponseError", e.getMessage());
    } catch (ResponseErrorException e) {
      return error(raw, start, response.status(), e.type(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(raw, start, response.status(), "ResponseParseError", e.getMessage());
    }
    if (parsed.times.length == 0) {
      // The body says what came instead; a stream's events are in the raw export.
      byte[] body = response.messageData() == null ? response.body() : null;
      return error(raw, start, response.status(), "InvalidInferenceResultError",
          "The response carried no generated content" + (body == null || body.length == 0 ? ""
              : "; body starts with: " + preview(body)));
    }
    View view = new View(raw, parsed, tokens, request.inputTokens() >= 0
        ? request.inputTokens()
        : tokens.count(request.inputText() == null ? "" : request.inputText()),
        serverTokenCount);
    if (view.lastContent() < start) {
      return error(raw, start, response.status(), "InvalidInferenceResultError",
          "The response timestamps are inconsistent (end before start)");
    }
    MetricRegistry registry = initialized(this.registry);
    RecordValues.Builder values = initialized(this.values).clear();
    for (int id : view.streaming() ? streamedIds : wholeIds) {
      values.begin(id);
      // applicable(..) keeps only the ids this process has a metric for.
      Objects.requireNonNull(registry.metric(id), "an applicable metric").compute(view, values);
    }
    return new ProcessedRecord(request.creditId(), request.phase(), start,
        responseEnd(response, view.lastContent()), true, 0, null, null, values.build(),
        meta(raw, config.exportOutputsJson() ? parsed.content.toString() : null));
  }

  private Parsed parseStream(RawResponse response) {
    Parsed p = new Parsed(response.messageCount(), producesTokens, content.clear());
    byte[][] messages = Objects.requireNonNull(response.messageData(), "a stream has data");
    EndpointProvider.Endpoint endpoint = initialized(this.endpoint);
    ChunkReader chunks = this.chunks;
    for (int i = 0; i < response.messageCount(); i++) {
      if ("error".equals(response.messageEvent(i))) {
        String comment = response.messageComment(i);
        String data = new String(messages[i], StandardCharsets.UTF_8);
        throw new SseError("Server sent an error event: "
            + (comment != null ? comment : data.isEmpty() ? "(no message)" : data));
      }
      byte[] d = messages[i];
      if (chunks != null && chunks.matches(d, 0, d.length)) {
        p.accept(chunks, response.messageNanos()[i]);
        continue;
      }
      ParsedResponse parsed;
      try {
        parsed = chunks != null ? chunks.parse(d, 0, d.length) : endpoint.parse(d, 0, d.length);
      } catch (ResponseErrorException e) {
        throw e;
      } catch (IllegalArgumentException notAResponse) {
        // As AIPerf: an event that is not a response of the format carries nothing; skip it.
        continue;
      }
      p.accept(parsed, response.messageNanos()[i]);
    }
    return p.done();
  }

  private Parsed parseBody(RawResponse response) {
    Parsed p = new Parsed(1, producesTokens, content.clear());
    byte[] body = response.body();
    if (body != null && body.length > 0) {
      p.accept(initialized(endpoint).parse(body, 0, body.length), response.messageNanos()[0]);
    }
    return p.done();
  }

  /** As AIPerf: the type is the HTTP reason phrase, the message the body as the server sent it. */
  private ProcessedRecord httpError(RawRecord raw, long start) {
    byte[] body = raw.response().body() == null ? new byte[0] : raw.response().body();
    String text = new String(body, 0, Math.min(body.length, MAX_ERROR_BODY * 4),
        StandardCharsets.UTF_8).strip();
    if (text.length() > MAX_ERROR_BODY) {
      text = text.substring(0, MAX_ERROR_BODY) + "…";
    }
    String reason = HttpResponseStatus.valueOf(raw.response().status()).reasonPhrase();
    return error(raw, start, raw.response().status(), reason,
        text.isEmpty() ? "HTTP " + raw.response().status() : text);
  }

  private static String preview(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, MAX_ERROR_BODY * 4),
        StandardCharsets.UTF_8).strip();
    return text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text;
  }

  /**
   * Where a successful request ended, as AIPerf's {@code request_end_ns}: its last message (a
   * stream's {@code [DONE]} when the server sends one) or the whole body, not its last content,
   * which only the latency metrics end at.
   */
  private static long responseEnd(RawResponse response, long lastContent) {
    int n = response.messageData() != null ? response.messageCount()
        : response.messageNanos().length;
    return n > 0 ? Math.max(lastContent, response.messageNanos()[n - 1]) : lastContent;
  }

  /** Who sent a request and when; the generated text only when outputs.json is written. */
  private RecordMeta meta(RawRecord raw, @Nullable String outputText) {
    RawRequest request = raw.request();
    RawTiming timing = raw.timing();
    return new RecordMeta(request.requestId(), request.correlationId(), request.conversation(),
        request.turn(), -1, request.workerId(), id, timing.intendedNanos(), timing.issuedNanos(),
        timing.trace(), request.requestBody() != null ? raw : null, timing.responseStartNanos(),
        outputText);
  }

  private ProcessedRecord error(RawRecord raw, long start, int code, String type,
      @Nullable String message) {
    long end = Math.max(start, raw.timing().endNanos());
    RecordValues values = errorValues(raw.request().inputTokens(), message);
    // Servers echo requests in their errors, and a request may carry a key in its body.
    return new ProcessedRecord(raw.request().creditId(), raw.request().phase(), start, end,
        false, code, type, message == null ? "" : secrets.redact(message), values,
        meta(raw, null));
  }

  /**
   * A failed request's values: its prompt length (AIPerf's error_isl) and whether the server said
   * it overflowed the model's context (AIPerf's context_overflow_count).
   */
  private RecordValues errorValues(int inputTokens, @Nullable String message) {
    boolean isl = errorIslId >= 0 && inputTokens >= 0;
    boolean overflow = contextOverflowId >= 0;
    if (!isl && !overflow) {
      return RecordValues.NONE;
    }
    RecordValues.Builder b = new RecordValues.Builder(initialized(registry).size());
    double flag = ContextOverflow.matches(message) ? 1 : 0;
    // The builder takes ids in increasing order.
    if (isl && (!overflow || errorIslId < contextOverflowId)) {
      b.begin(errorIslId);
      b.add(inputTokens);
      isl = false;
    }
    if (overflow) {
      b.begin(contextOverflowId);
      b.add(flag);
    }
    if (isl) {
      b.begin(errorIslId);
      b.add(inputTokens);
    }
    return b.build();
  }

  @Override
  void onStop() {
    ExecutorService executor = this.executor;
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class SseError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SseError(String message) {
      super(message, null, false, false);
    }
  }

  /** The content-bearing responses of one request and their arrival times. */
  private static final class Parsed {
    long[] times;
    int count;
    long firstOutput = -1;
    final StreamText content;
    final StringBuilder reasoning = new StringBuilder();
    @Nullable Usage usage;

    /** AIPerf takes the last non-null value of each usage field, not a sum. */
    private static Usage merge(@Nullable Usage old, Usage now) {
      if (old == null) {
        return now;
      }
      return new Usage(now.promptTokens() >= 0 ? now.promptTokens() : old.promptTokens(),
          now.completionTokens() >= 0 ? now.completionTokens() : old.completionTokens(),
          now.totalTokens() >= 0 ? now.totalTokens() : old.totalTokens(),
          now.reasoningTokens() >= 0 ? now.reasoningTokens() : old.reasoningTokens(),
          now.cacheReadTokens() >= 0 ? now.cacheReadTokens() : old.cacheReadTokens(),
          now.cacheWriteTokens() >= 0 ? now.cacheWriteTokens() : old.cacheWriteTokens(),
          now.cacheMissTokens() >= 0 ? now.cacheMissTokens() : old.cacheMissTokens());
    }

    /** Embeddings and rankings carry no text: any response of the format is the answer. */
    private final boolean needsText;

    Parsed(int capacity, boolean needsText, StreamText content) {
      times = new long[Math.max(1, capacity)];
      this.needsText = needsText;
      this.content = content;
    }

    /** A chunk {@link ChunkReader#matches} took: as {@link #accept(ParsedResponse, long)}. */
    void accept(ChunkReader chunk, long nanos) {
      Usage u = chunk.usage();
      if (u != null) {
        usage = merge(usage, u);
      }
      String r = chunk.reasoning();
      boolean hasText = !chunk.textIsEmpty();
      if (needsText && !hasText && (r == null || r.isEmpty())) {
        return;
      }
      if (hasText) {
        chunk.appendText(content);
      }
      counted(nanos, hasText, r);
    }

    void accept(@Nullable ParsedResponse r, long nanos) {
      if (r != null && r.usage() != null) {
        usage = merge(usage, r.usage());
      }
      if (r == null || (needsText && !r.hasData())) {
        return; // [DONE], usage-only chunks and empty deltas never count for timing
      }
      String text = r.content();
      boolean hasText = text != null && !text.isEmpty();
      if (text != null && hasText) {
        content.append(text);
      }
      counted(nanos, hasText, r.reasoning());
    }

    /** A message that counts for timing, its text (if any) already appended. */
    private void counted(long nanos, boolean hasText, @Nullable String reasoningText) {
      if (hasText && firstOutput < 0) {
        firstOutput = nanos;
      }
      if (reasoningText != null) {
        reasoning.append(reasoningText);
      }
      times[count++] = nanos;
    }

    Parsed done() {
      times = Arrays.copyOf(times, count);
      return this;
    }
  }

  private static final class View implements RequestView {
    private final RawRecord raw;
    private final Parsed parsed;
    private final int outputTokens;
    private final int reasoningTokens;

    private final int inputTokens;

    View(RawRecord raw, Parsed parsed, TokenCounter tokenizer, int inputTokens,
        boolean serverTokenCount) {
      this.raw = raw;
      this.parsed = parsed;
      Usage u = serverTokenCount ? parsed.usage : null;
      // --use-server-token-count: AIPerf's rule, output = completion − reasoning (at least 0);
      // a field the server left out is still counted by the client.
      this.inputTokens = u != null && u.promptTokens() >= 0 ? (int) u.promptTokens()
          : inputTokens;
      int clientReasoning = parsed.reasoning.length() == 0 ? 0
          : tokenizer.count(parsed.reasoning.toString());
      this.reasoningTokens = u != null && u.reasoningTokens() >= 0 ? (int) u.reasoningTokens()
          : clientReasoning;
      this.outputTokens = u != null && u.completionTokens() >= 0
          ? (int) Math.max(0, u.completionTokens() - Math.max(0, u.reasoningTokens()))
          : parsed.content.isEmpty() ? 0 : tokenizer.count(parsed.content.toString());
    }

    long lastContent() {
      return parsed.times[parsed.times.length - 1];
    }

    @Override
    public boolean streaming() {
      return raw.response().messageData() != null;
    }

    @Override
    public long startNanos() {
      return raw.timing().startNanos();
    }

    @Override
    public long intendedStartNanos() {
      return raw.timing().intendedNanos();
    }

    @Override
    public long issuedNanos() {
      return raw.timing().issuedNanos();
    }

    @Override
    public long connectionWaitNanos() {
      return raw.timing().connectionWaitNanos();
    }

    @Override
    public int inputImages() {
      return raw.request().inputImages();
    }

    @Override
    public double inputAudioSeconds() {
      return raw.request().inputAudioSeconds();
    }

    @Override
    public int requestedOutputTokens() {
      return raw.request().requestedOutputTokens();
    }

    @Override
    public io.aiperf.api.spi.TransportProvider.@Nullable HttpTrace httpTrace() {
      return raw.timing().trace();
    }

    @Override
    public @Nullable Usage usage() {
      return parsed.usage;
    }

    @Override
    public int contentResponseCount() {
      return parsed.times.length;
    }

    @Override
    public long contentResponseNanos(int i) {
      return parsed.times[i];
    }

    @Override
    public long firstOutputNanos() {
      return parsed.firstOutput;
    }

    @Override
    public int inputTokens() {
      return inputTokens;
    }

    @Override
    public int outputTokens() {
      return outputTokens;
    }

    @Override
    public int reasoningTokens() {
      return reasoningTokens;
    }
  }
}
