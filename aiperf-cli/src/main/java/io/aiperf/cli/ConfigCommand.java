package io.aiperf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aiperf.cli.config.ConfigException;
import io.aiperf.cli.config.ConfigFile;
import io.aiperf.cli.config.ConfigProblem;
import io.aiperf.cli.config.FileFlag;
import io.aiperf.cli.config.Node;
import io.aiperf.cli.config.Templates;
import io.aiperf.cli.config.Variation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf config}: AIPerf 0.13's configuration scaffolding: {@code init} writes a template,
 * {@code validate} checks a file as {@code profile} would without running it, {@code expand}
 * lists a sweep's variations.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Configuration files: init (templates), validate, expand (sweeps).",
    subcommands = {ConfigCommand.Init.class, ConfigCommand.Validate.class,
        ConfigCommand.Expand.class})
final class ConfigCommand implements Runnable {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before run()
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static void print(PrintWriter err, ConfigException e) {
    for (ConfigProblem p : e.problems()) {
      err.println("Error: " + p);
    }
    err.flush();
  }

  /** {@code aiperf config init}: lists, searches and writes templates. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Generate, list or search configuration templates.")
  static final class Init implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"--template", "-t"}, description = "Template to generate, e.g. minimal.")
    @Nullable String template;

    @Option(names = {"--list", "-l"}, description = "List the templates and exit.")
    boolean list;

    @Option(names = {"--search", "-s"}, description = "List the templates matching a word.")
    @Nullable String search;

    @Option(names = {"--category", "-c"}, description = "With --list: only this category.")
    @Nullable String category;

    @Option(names = {"--verbose", "-v"}, description = "Also show tags and difficulty.")
    boolean verbose;

    @Option(names = {"--model", "-m"}, description = "Use this model name in the template.")
    @Nullable String model;

    @Option(names = {"--url", "-u"}, description = "Use this server URL in the template"
        + " ('mock' runs against the embedded mock server).")
    @Nullable String url;

    @Option(names = {"--output", "-o"}, description = "Write to this file (and the data files"
        + " the template names beside it) instead of printing.")
    @Nullable Path output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (list || search != null) {
        List<Templates.Info> found = search != null ? Templates.search(search)
            : Templates.list(category);
        if (found.isEmpty()) {
          out.println(search != null ? "No templates match '" + search + "'."
              : "No templates in category '" + category + "'.");
          out.println("Run 'aiperf config init --list' to see all templates.");
        } else {
          table(out, found);
          out.println("Use 'aiperf config init --template <name>' to generate a template.");
        }
        out.flush();
        return 0;
      }
      if (template == null) {
        err.println("Error: name a template with --template, or run 'aiperf config init"
            + " --list' to see them.");
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      }
      String content;
      try {
        content = Templates.customize(Templates.content(template), model, url);
      } catch (IllegalArgumentException e) {
        err.println("Error: " + e.getMessage());
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      }
      if (output == null) {
        out.print(content);
        out.flush();
        return 0;
      }
      List<Path> written = Templates.write(output, content);
      out.println("Wrote " + template + " template to " + output
          + (written.size() > 1 ? " (and " + written.subList(1, written.size()) + ")" : ""));
      out.flush();
      return 0;
    }

    private void table(PrintWriter out, List<Templates.Info> found) {
      int w = Math.max(25, found.stream().mapToInt(i -> i.name().length()).max().orElse(0) + 2);
      int t = found.stream().mapToInt(i -> i.title().length()).max().orElse(0) + 2;
      for (String c : Templates.CATEGORIES) {
        List<Templates.Info> group = found.stream().filter(i -> i.category().equals(c)).toList();
        if (group.isEmpty()) {
          continue;
        }
        out.println(c);
        for (Templates.Info i : group) {
          out.printf(Locale.ROOT, "  %-" + w + "s%-" + t + "s%s%s%n", i.name(), i.title(),
              i.description(), verbose ? "  [" + String.join(", ", i.tags()) + "; "
                  + i.difficulty() + "]" : "");
        }
        out.println();
      }
    }
  }

  /** {@code aiperf config validate FILE}: every check of a run, without running. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check a configuration file as 'aiperf profile' would, without running it.")
  static final class Validate implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The YAML configuration file.")
    @SuppressWarnings("NullAway.Init") // picocli sets the required parameter
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ConfigFile config;
      try {
        config = ConfigRun.load(file, System::getenv);
      } catch (ConfigException e) {
        print(err, e);
        return AiperfCommand.EXIT_USAGE;
      }
      CommandLine profile = AiperfCommand.configure(new CommandLine(new ProfileCommand()), out,
          err);
      profile.parseArgs("--config", file.toString());
      ProfileCommand parsed = profile.getCommand();
      int failed = 0;
      for (Variation v : config.variations()) {
        String prefix = config.variations().size() > 1 ? "[" + v.index() + "] " + v.label()
            + ": " : "";
        StringWriter buffer = new StringWriter();
        PrintWriter vErr = new PrintWriter(buffer, true);
        int code;
        try {
          List<FileFlag> flags = config.flags(v, Path.of("").toAbsolutePath());
          ConfigRun.Merged merged = ConfigRun.merge(parsed.spec, flags, List.of("--config",
              file.toString()));
          merged.problems().forEach(p -> vErr.println("Error: " + p));
          code = merged.problems().isEmpty()
              ? ConfigRun.second(merged, null, new PrintWriter(new StringWriter()), vErr, true)
              : AiperfCommand.EXIT_USAGE;
        } catch (ConfigException e) {
          print(vErr, e);
          code = AiperfCommand.EXIT_USAGE;
        }
        if (code != 0) {
          failed++;
          buffer.toString().lines()
              .filter(l -> !l.startsWith("Run 'aiperf "))
              .forEach(l -> err.println(prefix.isEmpty() ? l : l.replaceFirst("^Error: ",
                  "Error: " + prefix)));
        }
      }
      int n = config.variations().size();
      if (failed == 0 && n > 1) {
        try {
          ConfigSweep.flags(config, config.variations(), Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
          print(err, e);
          failed++;
        }
      }
      config.warnings().forEach(w -> err.println("Warning: " + w));
      err.flush();
      if (failed > 0) {
        return AiperfCommand.EXIT_USAGE;
      }
      out.println((config.warnings().isEmpty() ? "Configuration valid"
          : "Configuration valid with " + config.warnings().size() + " warning"
              + (config.warnings().size() == 1 ? "" : "s"))
          + ": " + file + (n > 1 ? " (" + n + " variations, run as one sweep by 'aiperf"
              + " profile'; see 'aiperf config expand')" : ""));
      out.flush();
      return 0;
    }
  }

  /** {@code aiperf config expand FILE}: the variations of a sweep. */
  @Command(name = "expand", mixinStandardHelpOptions = true,
      description = "List the variations a configuration's sweep expands to.")
  static final class Expand implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The YAML configuration file.")
    @SuppressWarnings("NullAway.Init") // picocli sets the required parameter
    Path file;

    @Option(names = {"--full", "-F"}, description = "Also show each variation's benchmark"
        + " section and the profile flags it amounts to.")
    boolean full;

    @Option(names = {"--index", "-i"}, description = "Only the variation at this zero-based"
        + " index (implies --full).")
    @Nullable Integer index;

    @Option(names = {"--format", "-f"}, defaultValue = "text",
        description = "text (default), yaml or json.")
    @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
    String format;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String fmt = format.toLowerCase(Locale.ROOT);
      if (!List.of("text", "yaml", "json").contains(fmt)) {
        err.println("Error: --format was '" + format + "' but it must be text, yaml or json");
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      }
      ConfigFile config;
      try {
        config = ConfigRun.load(file, System::getenv);
      } catch (ConfigException e) {
        print(err, e);
        return AiperfCommand.EXIT_USAGE;
      }
      List<Variation> all = config.variations();
      List<Variation> shown = all;
      if (index != null) {
        if (index < 0 || index >= all.size()) {
          err.println("Error: --index " + index + " is out of range; the configuration has "
              + all.size() + " variation" + (all.size() == 1 ? "" : "s") + " (0 to "
              + (all.size() - 1) + ")");
          err.flush();
          return AiperfCommand.EXIT_USAGE;
        }
        shown = List.of(all.get(index));
        full = true;
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Variation v : shown) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("index", v.index());
        row.put("dir_name", v.dirName());
        row.put("label", v.label());
        Map<String, Object> values = new LinkedHashMap<>();
        v.values().forEach((k, n) -> values.put(k, plain(n)));
        row.put("values", values);
        if (full) {
          row.put("benchmark", plain(v.body()));
          try {
            List<String> flags = new ArrayList<>();
            config.flags(v, Path.of("").toAbsolutePath()).forEach(f -> flags.addAll(f.args()));
            row.put("profile_flags", flags);
          } catch (ConfigException e) {
            row.put("problems", e.problems().stream().map(ConfigProblem::toString).toList());
          }
        }
        rows.add(row);
      }
      switch (fmt) {
        case "json" -> {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("sweep_type", config.sweepType());
          doc.put("variations", rows);
          out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(doc));
        }
        case "yaml" -> {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("sweep_type", config.sweepType());
          doc.put("variations", rows);
          out.print(yaml().dump(doc));
        }
        default -> {
          out.println("Sweep type: " + config.sweepType() + (shown.size() == all.size()
              ? " (" + all.size() + " variation" + (all.size() == 1 ? "" : "s") + ")"
              : " (showing " + shown.size() + " of " + all.size() + ")"));
          out.println();
          for (Map<String, Object> row : rows) {
            out.println("[" + row.get("index") + "] dir=" + row.get("dir_name") + "  label="
                + row.get("label"));
            if (full) {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("benchmark", row.get("benchmark"));
              yaml().dump(body).lines().forEach(l -> out.println("    " + l));
              Object flags = row.get("profile_flags");
              if (flags != null) {
                out.println("    # as flags: aiperf profile " + String.join(" ",
                    ((List<?>) flags).stream().map(a -> quote(String.valueOf(a))).toList()));
              } else {
                ((List<?>) row.getOrDefault("problems", List.of()))
                    .forEach(p -> out.println("    # problem: " + p));
              }
              out.println();
            }
          }
        }
      }
      out.flush();
      return 0;
    }

    private static String quote(String a) {
      return a.matches("[A-Za-z0-9_./:,=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'";
    }

    private static @Nullable Object plain(Node n) {
      if (n instanceof Node.MapNode m) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, e) -> out.put(k, plain(e.value())));
        return out;
      }
      if (n instanceof Node.ListNode l) {
        List<@Nullable Object> out = new ArrayList<>();
        l.items().forEach(i -> out.add(plain(i)));
        return out;
      }
      return ((Node.Scalar) n).value();
    }

    private static Yaml yaml() {
      DumperOptions o = new DumperOptions();
      o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      o.setIndent(2);
      o.setIndicatorIndent(0);
      o.setSplitLines(false);
      return new Yaml(o);
    }
  }
}
