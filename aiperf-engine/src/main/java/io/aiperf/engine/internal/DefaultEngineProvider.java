package io.aiperf.engine.internal;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.engine.internal.service.SystemController;

/** The engine: services on a message bus, driven by a {@link SystemController}. */
public final class DefaultEngineProvider implements BenchmarkEngineProvider {
  @Override
  public String name() {
    return "default";
  }

  @Override
  public String description() {
    return "AIPerf's service architecture on a pluggable message bus";
  }

  @Override
  public BenchmarkRun start(BenchmarkConfig config) {
    return SystemController.start(config);
  }

  @Override
  public io.aiperf.api.Calibration calibrate(String fastServerUrl,
      java.time.Duration stepDuration) {
    return Calibrator.run(fastServerUrl, stepDuration);
  }

  @Override
  public io.aiperf.api.SweepResult sweep(io.aiperf.api.SweepPlan plan) {
    return io.aiperf.engine.internal.sweep.SweepRunner.run(plan);
  }

  @Override
  public io.aiperf.api.SearchResult search(io.aiperf.api.SearchPlan plan) {
    return io.aiperf.engine.internal.sweep.SearchRunner.run(plan);
  }
}
