package io.aiperf.api.spi;

import io.aiperf.api.BenchmarkConfig;

/**
 * Makes one kind of service (its {@link #name()} is the service type, e.g. {@code worker}).
 *
 * @since 0.1.0
 */
public interface ServiceProvider extends Plugin {
  /**
   * Creates a service instance.
   *
   * @param serviceId the instance id, unique in the run, e.g. {@code worker_0}
   * @param bus the bus, the service's only link to the others
   * @param config the run's configuration
   * @return the service, in state {@link ServiceState#CREATED}
   */
  Service create(String serviceId, MessageBus bus, BenchmarkConfig config);

  /**
   * A service: a component that talks to others only through the bus.
   *
   * @since 0.1.0
   */
  interface Service {
    /**
     * Returns the instance id.
     *
     * @return the id
     */
    String id();

    /**
     * Returns the lifecycle state.
     *
     * @return the state
     */
    ServiceState state();

    /**
     * Acquires resources and subscribes to the bus.
     *
     * @throws Exception if it cannot; the service is then {@link ServiceState#FAILED}
     */
    void initialize() throws Exception;

    /**
     * Starts the service's work.
     *
     * @throws Exception if it cannot
     */
    void start() throws Exception;

    /** Stops the service and releases its resources. Idempotent. */
    void stop();
  }
}
