package io.aiperf.report.internal;

import io.aiperf.api.ReportOutput;
import io.aiperf.api.spi.ReportProvider;
import io.aiperf.api.spi.ReportRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * aiperf-report's {@link ReportProvider}: PNG charts drawn with JFreeChart and an HTML report
 * drawn with uPlot, both from the same {@link Chart}s.
 */
public final class DefaultReportProvider implements ReportProvider {
  private static final Logger log = LoggerFactory.getLogger(DefaultReportProvider.class);
  /** PNG charts keep every point: an image does not slow down with more of them. */
  private static final int PNG_BUDGET = 1_000_000;

  /** Creates the provider; {@link java.util.ServiceLoader} calls it. */
  public DefaultReportProvider() {}

  @Override
  public String name() {
    return "default";
  }

  @Override
  public String description() {
    return "PNG charts (JFreeChart) and a single-file HTML report (uPlot)";
  }

  /** The directories split: sweeps and repeated runs (read from their own files), and runs. */
  private record Inputs(List<SweepCharts.Sweep> sweeps, List<Path> runs, List<String> notes) {
    static Inputs of(List<Path> dirs) {
      List<SweepCharts.Sweep> sweeps = new ArrayList<>();
      List<Path> runs = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (Path d : dirs) {
        SweepCharts.Sweep s = SweepCharts.read(d, notes);
        if (s != null) {
          sweeps.add(s);
        }
        if (s == null || SweepCharts.isRun(d)) {
          runs.add(d);
        }
      }
      return new Inputs(sweeps, runs, notes);
    }
  }

  @Override
  public ReportOutput writePngs(ReportRequest request, Path outputDir) throws IOException {
    Inputs in = Inputs.of(request.runs());
    List<RunData> runs = RunReader.readAll(in.runs());
    LinkedHashSet<String> notes = new LinkedHashSet<>(in.notes());
    List<Path> files = new ArrayList<>();
    Files.createDirectories(outputDir);
    boolean alone = in.sweeps().size() + runs.size() == 1;
    for (SweepCharts.Sweep sweep : in.sweeps()) {
      Path dir = alone ? outputDir : outputDir.resolve(Charts.safe(sweep.name()));
      for (Chart c : SweepCharts.charts(sweep)) {
        files.add(PngWriter.write(c, dir));
      }
    }
    for (RunData run : runs) {
      notes.addAll(run.notes());
      Charts.ForRun set = Charts.single(run, PNG_BUDGET);
      notes.addAll(set.notes());
      Path dir = alone ? outputDir : outputDir.resolve(Charts.safe(run.name()));
      for (Chart c : set.charts()) {
        files.add(PngWriter.write(c, dir));
      }
    }
    for (Chart c : Charts.compare(runs)) {
      files.add(PngWriter.write(c, outputDir));
    }
    log.debug("Wrote {} PNG charts to {}", files.size(), outputDir);
    return new ReportOutput(files, files.size(), List.copyOf(notes));
  }

  @Override
  public ReportOutput writeHtml(ReportRequest request, Path file) throws IOException {
    Inputs in = Inputs.of(request.runs());
    List<RunData> runs = RunReader.readAll(in.runs());
    HtmlReport report = new HtmlReport(runs, in.sweeps(), request.slos(), request.maxPoints());
    report.notes().addAll(in.notes());
    String page = report.render();
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    // Written beside the target and moved: a reader never sees half a page.
    Path name = file.getFileName();
    Path tmp = file.resolveSibling("." + (name == null ? "report.html" : name) + ".tmp");
    try {
      Files.writeString(tmp, page, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    log.debug("Wrote the report ({} charts, {} bytes) to {}", report.charts(), page.length(),
        file);
    return new ReportOutput(List.of(file), report.charts(),
        List.copyOf(new LinkedHashSet<>(report.notes())));
  }
}
