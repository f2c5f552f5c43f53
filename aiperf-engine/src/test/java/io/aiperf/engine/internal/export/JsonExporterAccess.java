package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkResult;
import java.util.Map;

/** Lets tests in other packages read one metric block as the JSON exporter builds it. */
public final class JsonExporterAccess {
  private JsonExporterAccess() {}

  /**
   * Builds one metric's block.
   *
   * @param r the result
   * @param tag the metric tag
   * @return the block
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> metricBlock(BenchmarkResult r, String tag) {
    return (Map<String, Object>) JsonExporter.document(r).get(tag);
  }
}
