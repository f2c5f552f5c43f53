package io.aiperf.engine.internal.metrics;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.spi.ResultMergerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.HdrHistogram.DoubleHistogram;
import org.jspecify.annotations.Nullable;

/**
 * Merges results through their HdrHistograms. Count, sum, min and max add up exactly; the
 * standard deviation combines exactly from each part's count, mean and deviation; percentiles come
 * from the merged histogram (3 significant digits); throughputs are recomputed over the merged
 * time span, so parts measured side by side (several hosts) merge into the whole.
 */
public final class HdrResultMerger implements ResultMergerProvider {
  /** Counts and totals that add up. */
  private static final Set<String> SUMMED = Set.of("request_count", "error_request_count",
      "total_osl", "total_isl", "total_output_tokens", "total_reasoning_tokens",
      "good_request_count", "completed_request_count", "cancelled_request_count", "usage_discrepancy_count",
      "osl_mismatch_count", "total_usage_prompt_tokens", "total_usage_completion_tokens",
      "total_usage_total_tokens", "total_usage_reasoning_tokens",
      "total_usage_prompt_cache_read_tokens", "total_usage_prompt_cache_write_tokens",
      "total_usage_prompt_cache_miss_tokens", "context_overflow_count");
  /** Throughputs recomputed from a summed total over the merged span: tag to the total's tag. */
  private static final Map<String, String> RATES = Map.of(
      "request_throughput", "request_count",
      "output_token_throughput", "total_osl",
      "input_token_throughput", "total_isl",
      "goodput", "good_request_count");

  @Override
  public String name() {
    return "hdr";
  }

  @Override
  public String description() {
    return "Merges results through their HdrHistograms; exact counts, sums, min, max and std";
  }

  @Override
  public BenchmarkResult merge(List<BenchmarkResult> results) {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("merge needs at least one result");
    }
    BenchmarkResult first = results.get(0);
    Instant start = results.stream().map(BenchmarkResult::startTime).min(Instant::compareTo)
        .orElseThrow();
    Instant end = results.stream().map(BenchmarkResult::endTime).max(Instant::compareTo)
        .orElseThrow();
    double seconds = Duration.between(start, end).toNanos() / 1e9;

    Map<String, List<MetricResult>> byTag = new LinkedHashMap<>();
    for (BenchmarkResult r : results) {
      for (MetricResult m : r.metrics()) {
        byTag.computeIfAbsent(m.tag().tag(), t -> new ArrayList<>()).add(m);
      }
    }
    Map<String, String> histograms = new LinkedHashMap<>();
    Map<String, Double> sums = new LinkedHashMap<>();
    List<MetricResult> merged = new ArrayList<>();
    for (Map.Entry<String, List<MetricResult>> e : byTag.entrySet()) {
      String tag = e.getKey();
      List<MetricResult> parts = e.getValue();
      MetricResult any = parts.get(0);
      if (!any.scalar()) {
        MetricResult m = mergeDistribution(tag, parts, results);
        if (m != null) {
          merged.add(m);
          histograms.put(tag, mergedHistogramText(tag, results));
        }
      } else if (SUMMED.contains(tag)) {
        double total = parts.stream().mapToDouble(MetricResult::avg).sum();
        sums.put(tag, total);
        merged.add(MetricResult.scalar(any.tag(), any.header(), any.unit(), total));
      }
    }
    for (Map.Entry<String, String> rate : RATES.entrySet()) {
      MetricResult template = byTag.containsKey(rate.getKey())
          ? byTag.get(rate.getKey()).get(0) : null;
      Double total = sums.get(rate.getValue());
      if (template != null && total != null && seconds > 0) {
        merged.add(MetricResult.scalar(template.tag(), template.header(), template.unit(),
            total / seconds));
      }
    }
    if (byTag.containsKey("benchmark_duration")) {
      MetricResult d = byTag.get("benchmark_duration").get(0);
      merged.add(MetricResult.scalar(d.tag(), d.header(), d.unit(), seconds));
    }

    Map<String, Long> errorCounts = new LinkedHashMap<>();
    Map<String, ErrorSummary> errorKinds = new LinkedHashMap<>();
    for (BenchmarkResult r : results) {
      for (ErrorSummary s : r.errors()) {
        String key = s.code() + "\u0000" + s.type() + "\u0000" + s.message();
        errorCounts.merge(key, s.count(), Long::sum);
        errorKinds.putIfAbsent(key, s);
      }
    }
    List<ErrorSummary> errors = new ArrayList<>();
    errorKinds.forEach((k, s) -> errors.add(new ErrorSummary(s.code(), s.type(), s.message(),
        Objects.requireNonNull(errorCounts.get(k), "every kind was counted"))));
    return new BenchmarkResult(first.config(), first.metricsTitle(), merged, errors,
        results.stream().mapToLong(BenchmarkResult::requestsSent).sum(),
        results.stream().mapToLong(BenchmarkResult::requestsCompleted).sum(),
        results.stream().mapToLong(BenchmarkResult::requestsFailed).sum(),
        results.stream().mapToLong(BenchmarkResult::requestsCancelled).sum(),
        start, end, results.stream().anyMatch(BenchmarkResult::wasCancelled), first.seed(),
        List.of("Merged from " + results.size() + " results; percentiles come from the merged"
            + " histograms (3 significant digits)."), Optional.empty(), histograms);
  }

  private static @Nullable DoubleHistogram mergedHistogram(String tag, List<BenchmarkResult> results) {
    DoubleHistogram merged = null;
    for (BenchmarkResult r : results) {
      String text = r.histograms().get(tag);
      if (text == null) {
        continue;
      }
      DoubleHistogram h = HistogramCodec.decode(text);
      if (merged == null) {
        merged = h;
      } else {
        merged.add(h);
      }
    }
    return merged;
  }

  private static String mergedHistogramText(String tag, List<BenchmarkResult> results) {
    // Only called once mergeDistribution found a histogram for the tag.
    return HistogramCodec.encode(Objects.requireNonNull(mergedHistogram(tag, results),
        "a merged distribution has a histogram"));
  }

  private static @Nullable MetricResult mergeDistribution(String tag, List<MetricResult> parts,
      List<BenchmarkResult> results) {
    DoubleHistogram h = mergedHistogram(tag, results);
    if (h == null) {
      return null; // e.g. error-adjusted blocks: no histogram to merge them by
    }
    long count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (MetricResult p : parts) {
      count += p.count();
      sum += p.sum();
      min = Math.min(min, p.min());
      max = Math.max(max, p.max());
    }
    double mean = sum / count;
    // Pooled population variance: each part's variance plus its mean's distance to the whole.
    double m2 = 0;
    for (MetricResult p : parts) {
      m2 += p.count() * (p.std() * p.std() + (p.avg() - mean) * (p.avg() - mean));
    }
    MetricResult any = parts.get(0);
    return new MetricResult(new MetricTag(tag), any.header(), any.unit(), false, count, mean, min,
        max, sum, Math.sqrt(m2 / count),
        h.getValueAtPercentile(1), h.getValueAtPercentile(5), h.getValueAtPercentile(10),
        h.getValueAtPercentile(25), h.getValueAtPercentile(50), h.getValueAtPercentile(75),
        h.getValueAtPercentile(90), h.getValueAtPercentile(95), h.getValueAtPercentile(99));
  }
}
