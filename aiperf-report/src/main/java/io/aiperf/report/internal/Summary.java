package io.aiperf.report.internal;

/**
 * The few numbers that place a run in a comparison, from its aggregate export, or computed from
 * its requests when it has none.
 */
record Summary(String name, double latencyAvg, double ttftAvg, double outputThroughput,
    double perUser, double requestThroughput) {

  static Summary of(RunData run) {
    double latency = run.stat("request_latency", "avg");
    double ttft = run.stat("time_to_first_token", "avg");
    double output = run.stat("output_token_throughput", "avg");
    double perUser = run.stat("output_token_throughput_per_user", "avg");
    double requests = run.stat("request_throughput", "avg");
    Requests r = run.requests();
    if (r != null && r.count(Requests.OK) > 0) {
      double span = Math.max(1e-9, (r.lastEndNs() - r.originNs()) / 1e9);
      if (Double.isNaN(latency)) {
        latency = okMean(r, r.latency);
      }
      if (Double.isNaN(ttft)) {
        ttft = okMean(r, r.ttft);
      }
      if (Double.isNaN(output)) {
        double tokens = 0;
        for (int i = 0; i < r.size; i++) {
          if (r.outcome[i] == Requests.OK && Double.isFinite(r.osl[i])) {
            tokens += r.osl[i];
          }
        }
        output = tokens / span;
      }
      if (Double.isNaN(perUser)) {
        double itl = okMean(r, r.itl);
        perUser = itl > 0 ? 1000 / itl : Double.NaN;
      }
      if (Double.isNaN(requests)) {
        requests = r.count(Requests.OK) / span;
      }
    }
    return new Summary(run.name(), latency, ttft, output, perUser, requests);
  }

  private static double okMean(Requests r, double[] values) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < r.size; i++) {
      if (r.outcome[i] == Requests.OK && Double.isFinite(values[i])) {
        sum += values[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
