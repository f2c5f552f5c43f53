package io.aiperf.api.spi;

/**
 * Lifecycle of a service, as in AIPerf. {@code FAILED} is terminal.
 *
 * @since 0.1.0
 */
public enum ServiceState {
  /** Constructed, nothing started. */
  CREATED,
  /** Acquiring resources. */
  INITIALIZING,
  /** Ready to start. */
  INITIALIZED,
  /** Starting. */
  STARTING,
  /** Doing its work. */
  RUNNING,
  /** Releasing resources. */
  STOPPING,
  /** Stopped cleanly. */
  STOPPED,
  /** Stopped by an error; terminal. */
  FAILED
}
