package io.aiperf.cli;

import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugin;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ResultMergerProvider;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.TokenizerProvider;
import io.aiperf.api.spi.TransportProvider;
import java.io.PrintWriter;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf plugins [CATEGORY [TYPE]] [--all] [--validate]}, shaped as AIPerf's: the
 * packages that bring plugins, every category and its plugins, one category's types, one type's
 * details, or a check that every plugin loads. Categories are aiperf-java's SPIs, named as
 * AIPerf names its own where one matches (endpoint, transport, ...); AIPerf's other names for
 * them are accepted too.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "Explore the plugins found on the class path: aiperf plugins [CATEGORY [TYPE]]")
final class PluginsCommand implements Callable<Integer> {
  /** Category name, SPI, and a description; in listing order. */
  private record Category(String name, Class<? extends Plugin> kind, String about) {}

  private static final List<Category> CATEGORIES = List.of(
      new Category("endpoint", EndpointProvider.class,
          "API formats: request bodies and response parsing (--endpoint-type)."),
      new Category("transport", TransportProvider.class,
          "How requests reach the server (HTTP/1.1, HTTP/2, TLS)."),
      new Category("dataset", DatasetProvider.class,
          "Where prompts come from: synthetic, files (--custom-dataset-type), public datasets."),
      new Category("tokenizer", TokenizerProvider.class,
          "Token counting: tiktoken encodings, Hugging Face tokenizer.json files."),
      new Category("metric", MetricProvider.class, "Per-request and aggregate metrics."),
      new Category("exporter", ExporterProvider.class,
          "Result files and the console table."),
      new Category("message_bus", MessageBusProvider.class,
          "How the services talk: in memory, or ZeroMQ across processes."),
      new Category("service", ServiceProvider.class,
          "The run's services (timing manager, workers, record processors, ...)."),
      new Category("engine", BenchmarkEngineProvider.class, "What runs a benchmark."),
      new Category("result_merger", ResultMergerProvider.class,
          "Merging results of runs made side by side (aiperf merge)."));
  /** AIPerf's category names for the same kinds. */
  private static final Map<String, String> AIPERF_NAMES = Map.of(
      "custom_dataset_loader", "dataset", "public_dataset_loader", "dataset",
      "dataset_composer", "dataset", "data_exporter", "exporter", "console_exporter", "exporter",
      "communication", "message_bus", "record_processor", "metric");

  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CATEGORY",
      description = "Category to explore, e.g. endpoint.")
  @Nullable String category;

  @Parameters(index = "1", arity = "0..1", paramLabel = "TYPE", description = "Type name for"
      + " details, e.g. chat.")
  @Nullable String type;

  @Option(names = {"--all", "-a"}, description = "Show every category and its plugins.")
  boolean all;

  @Option(names = {"--validate", "-v"}, description = "Check that every plugin loads, with a"
      + " name unique in its category.")
  boolean validate;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (validate) {
        return validate(out);
      }
      if (all) {
        overview(out);
      } else if (category == null) {
        packages(out);
      } else {
        Category c = find(category);
        if (c == null) {
          out.println("Unknown category: " + category);
          out.println("Available: " + String.join(", ", CATEGORIES.stream().map(Category::name)
              .toList()));
          return AiperfCommand.EXIT_USAGE;
        }
        return type == null ? types(out, c) : details(out, c, type);
      }
      return 0;
    } finally {
      out.flush();
    }
  }

  private static @Nullable Category find(String name) {
    String n = AIPERF_NAMES.getOrDefault(name.toLowerCase(Locale.ROOT).replace('-', '_'),
        name.toLowerCase(Locale.ROOT).replace('-', '_'));
    return CATEGORIES.stream().filter(c -> c.name().equals(n)).findFirst().orElse(null);
  }

  /** The jar (or classes directory) a plugin comes from, and its version when it has one. */
  private static String packageOf(Plugin p) {
    CodeSource source = p.getClass().getProtectionDomain().getCodeSource();
    URL url = source == null ? null : source.getLocation();
    String where = url == null ? "unknown" : url.getPath().replaceAll("/$", "");
    String name = where.substring(where.lastIndexOf('/') + 1);
    if (name.equals("classes")) { // a module's build output: name it by its module directory
      String parent = where.substring(0, where.lastIndexOf('/'));
      parent = parent.substring(0, Math.max(0, parent.lastIndexOf('/')));
      name = parent.substring(parent.lastIndexOf('/') + 1);
    }
    return name.replaceAll("\\.jar$", "");
  }

  private static @Nullable String versionOf(Plugin p) {
    Package pkg = p.getClass().getPackage();
    return pkg == null ? null : pkg.getImplementationVersion();
  }

  private static void packages(PrintWriter out) {
    Map<String, List<Plugin>> byPackage = new TreeMap<>();
    for (Category c : CATEGORIES) {
      for (Plugin p : Plugins.all(c.kind())) {
        byPackage.computeIfAbsent(packageOf(p), k -> new ArrayList<>()).add(p);
      }
    }
    out.println("Installed packages");
    out.printf(Locale.ROOT, "  %-40s %-16s %7s  %s%n", "Package", "Version", "Plugins",
        "Built in");
    for (Map.Entry<String, List<Plugin>> e : byPackage.entrySet()) {
      Plugin first = e.getValue().get(0);
      String version = versionOf(first);
      out.printf(Locale.ROOT, "  %-40s %-16s %7d  %s%n", e.getKey(),
          version == null ? "-" : version, e.getValue().size(),
          Plugins.isBuiltIn(first) ? "yes" : "no (external)");
    }
    out.println();
    out.println("Usage: aiperf plugins --all to see all categories and plugins");
  }

  private static void overview(PrintWriter out) {
    out.println("Plugin categories");
    for (Category c : CATEGORIES) {
      out.printf(Locale.ROOT, "  %-14s %s%n", c.name(), String.join(", ",
          Plugins.all(c.kind()).stream().map(Plugin::name).toList()));
    }
    out.println();
    out.println("Usage: aiperf plugins <category> to see available types");
  }

  private static int types(PrintWriter out, Category c) {
    out.println(c.about());
    out.println();
    int w = Math.max(20, Plugins.all(c.kind()).stream().mapToInt(p -> p.name().length())
        .max().orElse(0) + 2);
    for (Plugin p : Plugins.all(c.kind())) {
      out.printf(Locale.ROOT, "  %-" + w + "s priority %-4d %-9s %s%n", p.name(), p.priority(),
          Plugins.isBuiltIn(p) ? "built-in" : "external", p.description());
    }
    out.println();
    out.println("Usage: aiperf plugins " + c.name() + " <type> for details");
    return 0;
  }

  private static int details(PrintWriter out, Category c, String name) {
    for (Plugin p : Plugins.all(c.kind())) {
      if (p.name().equals(name)) {
        out.println(c.name() + ":" + name);
        out.println("  Type:        " + p.name());
        out.println("  Category:    " + c.name() + " (" + c.kind().getName() + ")");
        out.println("  Package:     " + packageOf(p) + (versionOf(p) == null ? ""
            : " " + versionOf(p)));
        out.println("  Class:       " + p.getClass().getName());
        out.println("  Priority:    " + p.priority());
        out.println("  Available:   " + (p.isAvailable() ? "yes" : "no"));
        out.println();
        out.println("  " + (p.description().isBlank() ? "No description" : p.description()));
        return 0;
      }
    }
    out.println("Not found: " + c.name() + ":" + name);
    out.println("Available: " + String.join(", ", Plugins.all(c.kind()).stream()
        .map(Plugin::name).toList()));
    return AiperfCommand.EXIT_USAGE;
  }

  /** Loads every provider of every category itself, to see the ones that fail to load. */
  private static int validate(PrintWriter out) {
    out.println("Validating plugins...");
    out.println();
    Map<String, List<String>> failures = new LinkedHashMap<>();
    failures.put("Every provider loads", new ArrayList<>());
    failures.put("Names are unique in each category", new ArrayList<>());
    failures.put("Every provider has a name", new ArrayList<>());
    ClassLoader cl = PluginsCommand.class.getClassLoader();
    for (Category c : CATEGORIES) {
      Map<String, String> names = new LinkedHashMap<>();
      Iterator<? extends Plugin> it = ServiceLoader.load(c.kind(), cl).iterator();
      while (true) {
        Plugin p;
        try {
          if (!it.hasNext()) {
            break;
          }
          p = it.next();
        } catch (ServiceConfigurationError e) {
          failures.get("Every provider loads").add(c.name() + ": " + e.getMessage());
          continue;
        }
        String name = p.name();
        String clash = names.put(name, p.getClass().getName());
        if (clash != null && !clash.equals(p.getClass().getName())) {
          failures.get("Names are unique in each category").add(c.name() + ":" + name + " - "
              + clash + " and " + p.getClass().getName());
        }
        if (name.isBlank()) {
          failures.get("Every provider has a name").add(c.name() + ": "
              + p.getClass().getName());
        }
      }
    }
    boolean ok = true;
    for (Map.Entry<String, List<String>> e : failures.entrySet()) {
      out.println((e.getValue().isEmpty() ? "(OK) " : "(FAIL) ") + e.getKey());
      e.getValue().forEach(f -> out.println("    " + f));
      ok &= e.getValue().isEmpty();
    }
    out.println();
    out.println(ok ? "All checks passed" : "Validation failed");
    return ok ? 0 : AiperfCommand.EXIT_FAILED;
  }
}
