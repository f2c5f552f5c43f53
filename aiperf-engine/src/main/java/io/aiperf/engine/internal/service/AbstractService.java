package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.api.spi.ServiceState;
import io.aiperf.api.spi.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle shared by the engine's services: CREATED → INITIALIZING → INITIALIZED → STARTING →
 * RUNNING → STOPPING → STOPPED, or FAILED (terminal). Subscriptions made through
 * {@link #track} are closed on stop.
 */
abstract class AbstractService implements Service {
  private static final Logger log = LoggerFactory.getLogger(AbstractService.class);

  final String id;
  final MessageBus bus;
  final BenchmarkConfig config;
  private volatile ServiceState state = ServiceState.CREATED;
  private final List<Subscription> subscriptions = new ArrayList<>();

  AbstractService(String id, MessageBus bus, BenchmarkConfig config) {
    this.id = id;
    this.bus = bus;
    this.config = config;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final ServiceState state() {
    return state;
  }

  @Override
  public final void initialize() throws Exception {
    transition(ServiceState.CREATED, ServiceState.INITIALIZING);
    try {
      onInitialize();
    } catch (Exception e) {
      state = ServiceState.FAILED;
      throw e;
    }
    state = ServiceState.INITIALIZED;
  }

  @Override
  public final void start() throws Exception {
    transition(ServiceState.INITIALIZED, ServiceState.STARTING);
    try {
      onStart();
    } catch (Exception e) {
      state = ServiceState.FAILED;
      throw e;
    }
    state = ServiceState.RUNNING;
  }

  @Override
  public final void stop() {
    ServiceState current = state;
    if (current == ServiceState.STOPPED || current == ServiceState.STOPPING) {
      return;
    }
    state = ServiceState.STOPPING;
    synchronized (subscriptions) {
      subscriptions.forEach(Subscription::close);
      subscriptions.clear();
    }
    try {
      onStop();
    } catch (RuntimeException e) {
      log.warn("{} did not stop cleanly: {}", id, e.toString());
    }
    state = current == ServiceState.FAILED ? ServiceState.FAILED : ServiceState.STOPPED;
  }

  /** Marks the service failed and tells the controller, which stops the run. */
  final void fail(String message, @Nullable Throwable cause) {
    state = ServiceState.FAILED;
    log.error("{} failed: {}", id, message, cause);
    bus.publish(new Messages.ServiceFailed(id, message));
  }

  final void track(Subscription s) {
    synchronized (subscriptions) {
      subscriptions.add(s);
    }
  }

  void onInitialize() throws Exception {}

  /**
   * A field onInitialize sets: messages and credits arrive only after it ran.
   *
   * @param value the field
   * @return the same value, never null
   */
  static <T> T initialized(@Nullable T value) {
    return Objects.requireNonNull(value, "used only after onInitialize set it");
  }

  void onStart() throws Exception {}

  void onStop() {}

  private void transition(ServiceState from, ServiceState to) {
    if (state != from) {
      throw new IllegalStateException(id + " cannot go to " + to + " from " + state);
    }
    state = to;
  }
}
