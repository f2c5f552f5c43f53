package io.aiperf.api;

/**
 * What a run's tokens cost on GPUs rented by the hour: the price of the run's duration on
 * {@code gpus} GPUs, spread over its input and output tokens.
 *
 * <pre>{@code
 * Cost c = Cost.of(result, 2.50, 8); // $2.50 per GPU-hour, 8 GPUs
 * double dollarsPerMillionOut = c.costPerMillionOutputTokens();
 * }</pre>
 *
 * @param gpuCostPerHour the price of one GPU for an hour, in dollars
 * @param gpus how many GPUs serve the endpoint
 * @param dollars what the run's duration cost
 * @param costPerMillionInputTokens dollars per million input (prompt) tokens; NaN without tokens
 * @param costPerMillionOutputTokens dollars per million output tokens; NaN without tokens
 * @param outputTokensPerDollar output tokens bought by a dollar (throughput per dollar)
 * @param requestsPerDollar completed requests bought by a dollar
 * @since 0.1.0
 */
public record Cost(double gpuCostPerHour, int gpus, double dollars, double costPerMillionInputTokens,
    double costPerMillionOutputTokens, double outputTokensPerDollar, double requestsPerDollar) {

  /**
   * Prices a run.
   *
   * @param result the run
   * @param gpuCostPerHour dollars per GPU-hour, &gt; 0
   * @param gpus GPUs, &gt; 0
   * @return the cost
   * @throws IllegalArgumentException for a price or GPU count out of range
   */
  public static Cost of(BenchmarkResult result, double gpuCostPerHour, int gpus) {
    double seconds = result.find(Metrics.BENCHMARK_DURATION).map(MetricResult::avg)
        .orElse(result.duration().toNanos() / 1e9);
    double input = result.find(Metrics.TOTAL_INPUT_SEQUENCE_LENGTH).map(MetricResult::avg)
        .orElse(Double.NaN);
    double output = result.find(Metrics.TOTAL_OUTPUT_TOKENS).map(MetricResult::avg)
        .or(() -> result.find(Metrics.TOTAL_OUTPUT_SEQUENCE_LENGTH).map(MetricResult::avg))
        .orElse(Double.NaN);
    return of(seconds, input, output, result.requestsCompleted(), gpuCostPerHour, gpus);
  }

  /**
   * Prices a measured amount of work.
   *
   * @param seconds how long the work took
   * @param inputTokens input tokens processed
   * @param outputTokens output tokens produced
   * @param requests requests completed
   * @param gpuCostPerHour dollars per GPU-hour, &gt; 0
   * @param gpus GPUs, &gt; 0
   * @return the cost
   * @throws IllegalArgumentException for a price or GPU count out of range
   */
  public static Cost of(double seconds, double inputTokens, double outputTokens, long requests,
      double gpuCostPerHour, int gpus) {
    if (!(gpuCostPerHour > 0) || Double.isInfinite(gpuCostPerHour)) {
      throw new IllegalArgumentException("gpuCostPerHour was '" + gpuCostPerHour
          + "' but it must be a finite number of dollars > 0");
    }
    if (gpus < 1) {
      throw new IllegalArgumentException("gpus was '" + gpus + "' but it must be at least 1");
    }
    double dollars = gpuCostPerHour * gpus * seconds / 3600.0;
    return new Cost(gpuCostPerHour, gpus, dollars,
        inputTokens > 0 ? dollars / inputTokens * 1e6 : Double.NaN,
        outputTokens > 0 ? dollars / outputTokens * 1e6 : Double.NaN,
        dollars > 0 ? outputTokens / dollars : Double.NaN,
        dollars > 0 ? requests / dollars : Double.NaN);
  }
}
