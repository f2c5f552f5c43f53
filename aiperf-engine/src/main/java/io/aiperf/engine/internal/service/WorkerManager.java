package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.service.Messages.WorkerReady;
import io.aiperf.engine.internal.service.Messages.WorkersReady;
import java.util.HashSet;
import java.util.Set;

/** Tracks worker registration and tells the controller when every expected worker is ready. */
final class WorkerManager extends AbstractService {
  private final Set<String> ready = new HashSet<>();

  WorkerManager(String id, MessageBus bus, BenchmarkConfig config) {
    super(id, bus, config);
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(WorkerReady.class, this::onReady));
  }

  private void onReady(WorkerReady r) {
    // Events arrive one at a time on the bus's event thread, so the set needs no lock.
    if (ready.add(r.workerId()) && ready.size() == config.workers()) {
      bus.publish(new WorkersReady(ready.size()));
    }
  }
}
