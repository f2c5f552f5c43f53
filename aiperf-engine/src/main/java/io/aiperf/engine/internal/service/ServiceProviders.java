package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.engine.internal.NanoClock;

/** The engine's services, each found by {@link java.util.ServiceLoader} under its AIPerf name. */
public final class ServiceProviders {
  private ServiceProviders() {}

  /** {@code dataset_manager}: makes and formats the dataset. */
  public static final class DatasetManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "dataset_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new DatasetManager(serviceId, bus, config);
    }
  }

  /** {@code timing_manager}: issues credits. */
  public static final class TimingManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "timing_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new TimingManager(serviceId, bus, config, NanoClock.SYSTEM,
          io.aiperf.engine.internal.timing.Pacer.parkThenSpin(NanoClock.SYSTEM));
    }
  }

  /** {@code worker_manager}: tracks worker registration. */
  public static final class WorkerManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "worker_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new WorkerManager(serviceId, bus, config);
    }
  }

  /** {@code worker}: sends requests. */
  public static final class WorkerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "worker";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new Worker(serviceId, bus, config);
    }
  }

  /** {@code record_processor}: parses responses and computes record metrics. */
  public static final class RecordProcessorProvider implements ServiceProvider {
    @Override
    public String name() {
      return "record_processor";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new RecordProcessor(serviceId, bus, config);
    }
  }

  /** {@code server_metrics_manager}: scrapes the inference server's Prometheus metrics. */
  public static final class ServerMetricsManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "server_metrics_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new ServerMetricsManager(serviceId, bus, config, NanoClock.SYSTEM);
    }
  }

  /** {@code gpu_telemetry_manager}: scrapes the GPUs' DCGM exporters. */
  public static final class GpuTelemetryManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "gpu_telemetry_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new GpuTelemetryManager(serviceId, bus, config, NanoClock.SYSTEM);
    }
  }

  /** {@code records_manager}: aggregates records into the result. */
  public static final class RecordsManagerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "records_manager";
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new RecordsManager(serviceId, bus, config, NanoClock.SYSTEM);
    }
  }
}
