package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.ExportLevel;
import io.aiperf.engine.internal.export.ExportSupport;
import io.aiperf.engine.internal.export.OutputsJsonWriter;
import io.aiperf.engine.internal.export.RawJsonlWriter;
import io.aiperf.engine.internal.export.RecordsJsonlWriter;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import java.io.IOException;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The per-request files the records manager writes as the records arrive, each only when the run
 * asks for it: the records JSONL (any export level above summary), the raw JSONL (level raw) and
 * {@code outputs.json}. Streamed, so memory stays flat however many requests the run makes.
 * Apart from the {@link RecordsManager}'s accounting and aggregation because none of it reads
 * what is written here, and this reads nothing of theirs but a record and its index in its phase.
 * Used on the records manager's thread, but for {@link #conversations}.
 */
final class RecordExports {
  private final boolean hasWarmup;
  private final LongUnaryOperator toWallNanos;
  private final @Nullable RecordsJsonlWriter jsonl;
  private final @Nullable RawJsonlWriter raw;
  private final @Nullable OutputsJsonWriter outputs;
  /** The dataset's conversation ids; null until the dataset is ready. */
  private volatile @Nullable List<String> conversationIds;

  /**
   * Opens the files the run asks for. Should one fail to open, those opened before it are closed
   * before the exception goes on.
   *
   * @param config the run; its artifact directory, export level and prefix say which files
   * @param registry the record metrics, for the columns
   * @param toWallNanos monotonic nanoseconds to wall-clock ones
   * @throws IOException when a file cannot be created
   */
  RecordExports(BenchmarkConfig config, MetricRegistry registry, LongUnaryOperator toWallNanos)
      throws IOException {
    this.hasWarmup = config.hasWarmup();
    this.toWallNanos = toWallNanos;
    var dir = config.artifactDir();
    RecordsJsonlWriter jsonl = null;
    RawJsonlWriter raw = null;
    try {
      if (dir.isPresent() && config.exportLevel() != ExportLevel.SUMMARY) {
        jsonl = new RecordsJsonlWriter(dir.get(),
            ExportSupport.fileName(config, RecordsJsonlWriter.FILE), registry, toWallNanos,
            this::conversationId, config.exportHttpTrace());
      }
      if (dir.isPresent() && config.exportLevel() == ExportLevel.RAW) {
        // After the per-request export: each raw record repeats its metadata.
        raw = new RawJsonlWriter(dir.get(),
            ExportSupport.fileName(config, RawJsonlWriter.FILE).replace(".jsonl",
                config.exportPrefix().isPresent() ? "_raw.jsonl" : ".jsonl"),
            EngineSupport.headers(config.endpoint()), AbstractService.initialized(jsonl),
            io.aiperf.api.spi.Secrets.of(config.endpoint()));
      }
      this.outputs = dir.isPresent() && config.exportOutputsJson()
          ? new OutputsJsonWriter(dir.get(), registry) : null;
    } catch (IOException | RuntimeException e) {
      if (raw != null) {
        raw.close();
      }
      if (jsonl != null) {
        jsonl.close();
      }
      throw e;
    }
    this.jsonl = jsonl;
    this.raw = raw;
  }

  /**
   * Names the conversations by the dataset's ids from now on (until then, by their index).
   *
   * @param ids the ids by conversation index
   */
  void conversations(List<String> ids) {
    conversationIds = ids;
  }

  /**
   * Writes a record to the files that are on; a record without metadata goes to none.
   *
   * @param r the record
   * @param sessionNum its request's index in its phase
   */
  void write(ProcessedRecord r, long sessionNum) {
    var m = r.meta();
    if (m == null) {
      return;
    }
    boolean warmup = r.phase() == Messages.Phase.WARMUP;
    if (outputs != null && !warmup) {
      outputs.add(sessionNum, conversationId(m.conversation()), m.turn(), m.requestId(),
          toWallNanos.applyAsLong(r.startNanos()), toWallNanos.applyAsLong(r.endNanos()),
          r.values(), m.outputText());
    }
    var jsonl = this.jsonl;
    if (jsonl == null) {
      return;
    }
    var line = new RecordsJsonlWriter.Line(sessionNum,
        warmup ? "warmup" : "profiling", warmup || !hasWarmup ? 0 : 1, m.requestId(),
        m.correlationId(), m.conversation(), m.turn(), m.workerId(), m.processorId(),
        m.intendedNanos(), m.issuedNanos(), r.startNanos(), m.responseStartNanos(),
        r.endNanos(), r.success(), r.errorCode(), r.errorType(), r.errorMessage(), r.values(),
        m.trace());
    jsonl.write(line);
    if (raw != null && m.raw() != null) {
      raw.write(m.raw(), line);
    }
  }

  /** Writes the buffered lines of the JSONL files, so that a file being watched lags little. */
  void flush() {
    if (jsonl != null) {
      jsonl.flush();
    }
    if (raw != null) {
      raw.flush();
    }
  }

  /** Closes every file, assembling {@code outputs.json}. Idempotent. */
  void close() {
    if (jsonl != null) {
      jsonl.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (outputs != null) {
      outputs.close();
    }
  }

  private String conversationId(int index) {
    List<String> ids = conversationIds;
    return ids == null || index >= ids.size() ? String.valueOf(index) : ids.get(index);
  }
}
