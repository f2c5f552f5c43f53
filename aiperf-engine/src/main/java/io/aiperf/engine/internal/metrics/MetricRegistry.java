package io.aiperf.engine.internal.metrics;

import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.MetricProvider.RecordMetric;
import io.aiperf.api.spi.Plugins;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The record metrics of a run, each with an integer id: its index here. Records carry their values
 * in arrays indexed by these ids ({@link RecordValues}), so nothing on the record path looks a tag
 * up. The order is the providers' ({@link Plugins#all}, then each provider's list), the same in
 * every run on the same class path; a tag that two providers register keeps the place of the first
 * and the metric of the last, as when the last one's value overwrote the first's.
 *
 * <p>A record processor in another process may find other plugins: the controller sends its tags
 * ({@link #tags()}) and the processor builds its registry with {@link #orderedAs}, so both sides
 * mean the same metric by the same id.
 */
public final class MetricRegistry {
  private static volatile @Nullable MetricRegistry installed;

  private final @Nullable RecordMetric[] metrics;
  private final MetricInfo[] infos;
  private final Map<String, Integer> ids;

  private MetricRegistry(List<String> tags, Map<String, RecordMetric> byTag,
      Map<String, MetricInfo> infoByTag) {
    metrics = new RecordMetric[tags.size()];
    infos = new MetricInfo[tags.size()];
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      metrics[i] = byTag.get(tag);
      MetricInfo info = infoByTag.get(tag);
      // A tag only the controller knows: never computed here, described by its tag alone.
      infos[i] = info != null ? info : new MetricInfo(tag, tag, "", 1, Integer.MAX_VALUE,
          java.util.Set.of());
      ids.put(tag, i);
    }
    this.ids = Map.copyOf(ids);
  }

  /**
   * The record metrics of the providers on the class path, built once per JVM.
   *
   * @return the registry
   */
  public static MetricRegistry installed() {
    MetricRegistry r = installed;
    if (r == null) {
      List<RecordMetric> all = new ArrayList<>();
      for (MetricProvider p : Plugins.all(MetricProvider.class)) {
        all.addAll(p.recordMetrics());
      }
      r = of(all);
      installed = r;
    }
    return r;
  }

  /**
   * A registry of these metrics, ids in list order.
   *
   * @param recordMetrics the metrics
   * @return the registry
   */
  public static MetricRegistry of(List<RecordMetric> recordMetrics) {
    Map<String, RecordMetric> byTag = new LinkedHashMap<>();
    Map<String, MetricInfo> infos = new HashMap<>();
    for (RecordMetric m : recordMetrics) {
      byTag.put(m.info().tag(), m);
      infos.put(m.info().tag(), m.info());
    }
    return new MetricRegistry(List.copyOf(byTag.keySet()), byTag, infos);
  }

  /**
   * A registry of descriptions only (nothing to compute), ids in list order.
   *
   * @param infos the descriptions
   * @return the registry
   */
  public static MetricRegistry ofInfos(List<MetricInfo> infos) {
    Map<String, MetricInfo> byTag = new LinkedHashMap<>();
    for (MetricInfo info : infos) {
      byTag.put(info.tag(), info);
    }
    return new MetricRegistry(List.copyOf(byTag.keySet()), Map.of(), byTag);
  }

  /**
   * This registry's metrics under another registry's ids: those of {@code tags} it has are
   * computed, the others never are, and its own metrics not in {@code tags} are left out.
   *
   * @param tags the other registry's {@link #tags()}
   * @return the registry
   */
  public MetricRegistry orderedAs(List<String> tags) {
    Map<String, RecordMetric> byTag = new HashMap<>();
    Map<String, MetricInfo> infoByTag = new HashMap<>();
    for (int i = 0; i < metrics.length; i++) {
      RecordMetric m = metrics[i];
      if (m != null) {
        byTag.put(infos[i].tag(), m);
      }
      infoByTag.put(infos[i].tag(), infos[i]);
    }
    return new MetricRegistry(List.copyOf(tags), byTag, infoByTag);
  }

  /**
   * Returns the number of metrics; ids run from 0 to this, exclusive.
   *
   * @return the count
   */
  public int size() {
    return infos.length;
  }

  /**
   * Returns a metric's id.
   *
   * @param tag the metric's tag
   * @return its id, or -1 when there is no such metric
   */
  public int id(String tag) {
    Integer id = ids.get(tag);
    return id == null ? -1 : id;
  }

  /**
   * Returns the description of a metric.
   *
   * @param id the id
   * @return its description
   */
  public MetricInfo info(int id) {
    return infos[id];
  }

  /**
   * Returns the metric to compute for an id.
   *
   * @param id the id
   * @return the metric, or null when this process does not have it
   */
  public @Nullable RecordMetric metric(int id) {
    return metrics[id];
  }

  /**
   * Returns every description, in id order.
   *
   * @return the descriptions
   */
  public List<MetricInfo> infos() {
    return List.of(infos);
  }

  /**
   * Returns every tag, in id order: what a remote processor needs to use the same ids.
   *
   * @return the tags
   */
  public List<String> tags() {
    return Arrays.stream(infos).map(MetricInfo::tag).toList();
  }
}
