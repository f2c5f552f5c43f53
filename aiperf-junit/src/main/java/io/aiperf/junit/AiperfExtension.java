package io.aiperf.junit;

import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link AiperfTest}: one mock LLM server per test class, kept in the class's
 * extension store so JUnit closes it after the last test, whatever happened.
 *
 * @since 0.1.0
 */
public final class AiperfExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AiperfExtension.class);

  /** Creates the extension; JUnit does. */
  public AiperfExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MockLlmServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context.getRoot() == context ? context : classContext(context);
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("server",
        k -> new ClosableServer(start(classContext)), ClosableServer.class).server;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  private static MockLlmServer start(ExtensionContext context) {
    AiperfTest config = context.getRequiredTestClass().getAnnotation(AiperfTest.class);
    if (config == null) {
      throw new ParameterResolutionException("A MockLlmServer parameter needs the test class to"
          + " be annotated @AiperfTest (found on " + context.getRequiredTestClass().getName()
          + ")");
    }
    try {
      return MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1").port(0)
          .ttft(Duration.ofNanos(Math.round(config.ttftMillis() * 1e6)))
          .itl(Duration.ofNanos(Math.round(config.itlMillis() * 1e6)))
          .errorRate(config.errorRate()).build());
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("@AiperfTest on "
          + context.getRequiredTestClass().getName() + " is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * Lets the store close the server. AutoCloseable is what JUnit 5.13+ closes (it warns about a
   * bare CloseableResource, which it deprecated); CloseableResource is what older 5.x close.
   */
  @SuppressWarnings("deprecation") // CloseableResource, for JUnit before 5.13
  private static final class ClosableServer
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final MockLlmServer server;

    ClosableServer(MockLlmServer server) {
      this.server = server;
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
