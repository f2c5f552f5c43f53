package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.MetricFlag;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's goodput SLOs, looked up by metric id once: a request is good when it meets every one,
 * at most the threshold, or at least it for larger-is-better metrics. A metric the request lacks
 * (e.g. ITL of a one-token reply) cannot be shown to meet its SLO, so the request is not good.
 */
final class GoodputSlos {
  private final int[] ids;
  private final double[] thresholds;
  private final double[] scales;
  private final boolean[] larger;
  /** An SLO names a metric the run does not have: no request can be good. */
  private final boolean unknownMetric;

  GoodputSlos(Map<String, Double> slos, MetricRegistry registry) {
    List<Integer> found = new ArrayList<>();
    List<Double> limits = new ArrayList<>();
    for (Map.Entry<String, Double> slo : slos.entrySet()) {
      int id = registry.id(slo.getKey());
      if (id >= 0) {
        found.add(id);
        limits.add(slo.getValue());
      }
    }
    unknownMetric = found.size() < slos.size();
    ids = found.stream().mapToInt(Integer::intValue).toArray();
    thresholds = limits.stream().mapToDouble(Double::doubleValue).toArray();
    scales = new double[ids.length];
    larger = new boolean[ids.length];
    for (int i = 0; i < ids.length; i++) {
      scales[i] = registry.info(ids[i]).displayScale();
      larger[i] = registry.info(ids[i]).has(MetricFlag.LARGER_IS_BETTER);
    }
  }

  /** Whether a request's values meet every SLO (thresholds are in display units). */
  boolean met(RecordValues values) {
    if (unknownMetric) {
      return false;
    }
    for (int i = 0; i < ids.length; i++) {
      int n = values.count(ids[i]);
      if (n == 0) {
        return false;
      }
      int from = values.offsets()[ids[i]];
      for (int k = from; k < from + n; k++) {
        double shown = values.values()[k] * scales[i];
        if (larger[i] ? shown < thresholds[i] : shown > thresholds[i]) {
          return false;
        }
      }
    }
    return true;
  }
}
