/**
 * Charts and the single-file HTML report of {@link io.aiperf.api.Reports}: reads the export files
 * of aiperf-java and AIPerf 0.13 runs, draws PNG charts with JFreeChart and writes an HTML page with
 * uPlot inlined. A module of its own so that the charting library stays out of the engine, which
 * never draws; it exports nothing and is found through {@link java.util.ServiceLoader}.
 */
module io.aiperf.report {
  requires static org.jspecify;
  requires io.aiperf.api;
  requires org.slf4j;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.jfree.jfreechart;
  requires java.desktop;

  // Also listed in META-INF/services, for the class path.
  provides io.aiperf.api.spi.ReportProvider with io.aiperf.report.internal.DefaultReportProvider;
}
