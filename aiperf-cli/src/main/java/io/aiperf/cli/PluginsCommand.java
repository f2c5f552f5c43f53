package io.aiperf.cli;

import java.util.Locale;
import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugin;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.TokenizerProvider;
import io.aiperf.api.spi.TransportProvider;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aiperf plugins}: lists every plugin found on the class path, best first per kind. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "List the plugins found on the class path (name, priority, origin).")
final class PluginsCommand implements Runnable {
  private static final List<Class<? extends Plugin>> KINDS = List.of(
      EndpointProvider.class, TransportProvider.class, DatasetProvider.class,
      TokenizerProvider.class, MetricProvider.class, ExporterProvider.class,
      MessageBusProvider.class, ServiceProvider.class, BenchmarkEngineProvider.class);

  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before run()
  CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    for (Class<? extends Plugin> kind : KINDS) {
      out.println(kind.getSimpleName() + ":");
      for (Plugin p : Plugins.all(kind)) {
        out.printf(Locale.ROOT, "  %-18s priority %-4d %-9s %s%n", p.name(), p.priority(),
            Plugins.isBuiltIn(p) ? "built-in" : "external", p.description());
      }
    }
    out.flush();
  }
}
