package io.aiperf.engine.internal.sweep;

import io.aiperf.api.SearchPlan;
import io.aiperf.api.SearchPoint;
import io.aiperf.api.SearchResult;
import io.aiperf.api.SweepPlan.Parameter;
import io.aiperf.api.SweepPoint;
import io.aiperf.engine.internal.export.AggregateFiles;
import io.aiperf.engine.internal.export.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search's files in {@code <artifact dir>/sweep_aggregate/}: every point tried in AIPerf's sweep
 * layout ({@code profile_export_aiperf_sweep.{json,csv}}, so sweep plots read them), and the
 * answer with its interval and each point's verdict in {@code profile_export_aiperf_search.json}
 * (aiperf-java's own: AIPerf 0.13's adaptive searches write no such file).
 */
final class SearchFiles {
  static final String SEARCH_JSON = "profile_export_aiperf_search.json";
  private static final Logger log = LoggerFactory.getLogger(SearchFiles.class);

  private SearchFiles() {}

  static void write(Optional<Path> base, SearchPlan plan, SearchResult result) {
    if (base.isEmpty()) {
      return;
    }
    Path dir = base.get().resolve("sweep_aggregate");
    Parameter param = plan.dimension() == SearchPlan.Dimension.CONCURRENCY
        ? Parameter.CONCURRENCY : Parameter.REQUEST_RATE;
    Map<Parameter, String> names = Map.of(param, param == Parameter.CONCURRENCY ? "concurrency" : "rate");
    List<SweepPoint> points = new ArrayList<>();
    List<List<Runs.Outcome>> outcomes = new ArrayList<>();
    List<SearchPoint> sorted = result.points().stream()
        .sorted(java.util.Comparator.comparingDouble(SearchPoint::load)).toList();
    List<Number> values = new ArrayList<>();
    for (SearchPoint p : sorted) {
      Number v = param == Parameter.CONCURRENCY ? (Number) Math.round(p.load()) : (Number) p.load();
      values.add(v);
      points.add(new SweepPoint(Map.of(param, v), SweepRunner.dirName(Map.of(param, v)), p.runs(),
          p.failures(), p.metrics(), p.cost(), p.paretoOptimal()));
      List<Runs.Outcome> o = new ArrayList<>();
      p.runs().forEach(r -> o.add(new Runs.Outcome("", r, null)));
      p.failures().forEach(f -> o.add(new Runs.Outcome(f, null, f)));
      outcomes.add(o);
    }
    try {
      Map<String, Object> doc = SweepFiles.document(points, outcomes, names, "search",
          plan.confidenceLevel(), true, Map.of(param, values));
      AggregateFiles.writeSweep(dir, doc, List.of(names.get(param)));
      Files.writeString(dir.resolve(SEARCH_JSON), JsonText.write(search(plan, result)),
          StandardCharsets.UTF_8);
      log.info("Search files written to {}", dir);
    } catch (IOException e) {
      log.error("Could not write the search files to {}: {}", dir, e.toString());
    }
  }

  private static Map<String, Object> search(SearchPlan plan, SearchResult r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("dimension", plan.dimension().name().toLowerCase(Locale.ROOT));
    doc.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
    AggregateFiles.put(doc, "answer", r.answer());
    AggregateFiles.put(doc, "lower_bound", r.lowerBound());
    AggregateFiles.put(doc, "upper_bound", r.upperBound());
    doc.put("message", r.message());
    Map<String, Object> objectives = new LinkedHashMap<>();
    plan.ttft().ifPresent(d -> objectives.put("ttft_sla_ms", d.toNanos() / 1e6));
    plan.itl().ifPresent(d -> objectives.put("itl_sla_ms", d.toNanos() / 1e6));
    plan.e2e().ifPresent(d -> objectives.put("e2e_sla_ms", d.toNanos() / 1e6));
    plan.errorRate().ifPresent(v -> objectives.put("error_rate_sla", v));
    objectives.put("slo_attainment_fraction", plan.attainment());
    List<Object> slos = new ArrayList<>();
    plan.slos().forEach(s -> slos.add(s.toString()));
    objectives.put("slos", slos);
    if (!plan.base().goodput().isEmpty()) {
      objectives.put("goodput", new LinkedHashMap<>(plan.base().goodput()));
    }
    doc.put("objectives", objectives);
    doc.put("confidence_level", plan.confidenceLevel());
    doc.put("precision", plan.precision());
    r.cost().ifPresent(c -> doc.put("cost", SweepFiles.cost(c)));
    List<Object> points = new ArrayList<>();
    for (SearchPoint p : r.points()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("load", p.load());
      m.put("verdict", p.verdict().name().toLowerCase(Locale.ROOT));
      m.put("runs", p.runs().size());
      p.goodFraction().ifPresent(e -> m.put("good_request_fraction", AggregateFiles.confidenceMetric(e)));
      m.put("reasons", new ArrayList<Object>(p.reasons()));
      m.put("failures", new ArrayList<Object>(p.failures()));
      m.put("pareto_optimal", p.paretoOptimal());
      points.add(m);
    }
    doc.put("points", points);
    return doc;
  }
}
