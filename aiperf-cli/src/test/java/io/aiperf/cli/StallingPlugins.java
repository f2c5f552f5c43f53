package io.aiperf.cli;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.ServiceState;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;

/**
 * Plugins that hang, as a plugin doing network I/O in its constructor would. They are registered
 * only in the services files {@link StartupTimeoutIT} writes for its child processes, so no other
 * test ever loads them.
 */
final class StallingPlugins {
  private StallingPlugins() {}

  static void hang() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** An endpoint provider whose constructor never returns. */
  public static final class HangingEndpointProvider implements EndpointProvider {
    public HangingEndpointProvider() {
      hang();
    }

    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public String defaultPath() {
      return "/";
    }

    @Override
    public boolean supportsStreaming() {
      return false;
    }

    @Override
    public Endpoint create(EndpointConfig config) {
      throw new UnsupportedOperationException();
    }
  }

  /** A tokenizer whose loading never ends, like a download from an unreachable hub. */
  public static final class HangingTokenizerProvider implements TokenizerProvider {
    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public boolean supports(String tokenizerName) {
      return tokenizerName.equals("hanging");
    }

    @Override
    public Tokenizer load(String tokenizerName) {
      hang();
      throw new IllegalStateException("unreachable");
    }
  }

  /** Replaces the workers with ones that never register. */
  public static final class SilentWorkerProvider implements ServiceProvider {
    @Override
    public String name() {
      return "worker";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Service create(String serviceId, MessageBus bus, BenchmarkConfig config) {
      return new Service() {
        private volatile ServiceState state = ServiceState.CREATED;

        @Override
        public String id() {
          return serviceId;
        }

        @Override
        public ServiceState state() {
          return state;
        }

        @Override
        public void initialize() {
          state = ServiceState.INITIALIZED;
        }

        @Override
        public void start() {
          state = ServiceState.RUNNING;
        }

        @Override
        public void stop() {
          state = ServiceState.STOPPED;
        }
      };
    }
  }
}
