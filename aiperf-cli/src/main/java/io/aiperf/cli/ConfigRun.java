package io.aiperf.cli;

import io.aiperf.cli.config.ConfigException;
import io.aiperf.cli.config.ConfigFile;
import io.aiperf.cli.config.ConfigProblem;
import io.aiperf.cli.config.FileFlag;
import io.aiperf.cli.config.Origin;
import io.aiperf.cli.config.Variation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code aiperf profile --config FILE}: the file's settings become the flags that set the same
 * things, the command line's own flags win over them, and the profile command runs once more
 * with both, so a file and the flags take one path to the benchmark builder. A file that
 * describes several benchmarks runs them as one sweep ({@link ConfigSweep}). A flag that picks a
 * different kind of load or dataset than the file (a request rate against the file's user-centric
 * phase) is an error naming both.
 */
final class ConfigRun {
  /** Flags of which one run uses one: the file choosing one and the command line another. */
  private static final List<Set<String>> EXCLUSIVE = List.of(
      Set.of("--request-rate", "--user-centric-rate", "--fixed-schedule"),
      Set.of("--input-file", "--public-dataset"));

  private ConfigRun() {}

  /** What the file adds to a command line. */
  record Merged(List<String> args, Map<String, Origin> origins, List<String> problems,
      List<String> overridden) {}

  /**
   * Runs {@code profile} with a configuration file.
   *
   * @param command the profile command as parsed from the command line
   * @param file the {@code --config} file
   * @return the exit code
   */
  static int profile(ProfileCommand command, Path file) {
    CommandSpec spec = command.spec;
    PrintWriter err = spec.commandLine().getErr();
    ConfigFile config;
    List<FileFlag> flags;
    try {
      config = load(file, System::getenv);
      config.warnings().forEach(w -> err.println("Warning: " + w));
      List<Variation> variations = config.variations();
      // Several benchmarks run as one sweep where they differ only in what a sweep varies.
      flags = variations.size() > 1
          ? ConfigSweep.flags(config, variations, Path.of("").toAbsolutePath())
          : config.flags(variations.get(0), Path.of("").toAbsolutePath());
    } catch (ConfigException e) {
      return usage(err, e.problems().stream().map(ConfigProblem::toString).toList());
    }
    List<String> userArgs = userArgs(spec.commandLine().getParseResult());
    Merged merged = merge(spec, flags, userArgs);
    if (!merged.problems().isEmpty()) {
      return usage(err, merged.problems());
    }
    for (String o : merged.overridden()) {
      err.println("Note: " + o);
    }
    err.flush();
    return second(merged, spec.commandLine().getParseResult().originalArgs(),
        spec.commandLine().getOut(), err, false);
  }

  /** Runs (or only checks) the profile command with the merged arguments. */
  static int second(Merged merged, @Nullable List<String> recordedArgs, PrintWriter out,
      PrintWriter err, boolean validateOnly) {
    ProfileCommand second = new ProfileCommand();
    second.fileOrigins = merged.origins();
    second.recordedArgs = recordedArgs;
    second.validateOnly = validateOnly;
    CommandLine cli = AiperfCommand.configure(new CommandLine(second), out, err);
    cli.setCommandName("aiperf profile");
    return cli.execute(merged.args().toArray(String[]::new));
  }

  /** Loads a configuration; shared with {@code aiperf config}. */
  static ConfigFile load(Path file, Function<String, @Nullable String> env) {
    return ConfigFile.load(file, env);
  }

  /** The arguments after {@code profile}. */
  static List<String> userArgs(ParseResult parsed) {
    List<String> all = parsed.originalArgs();
    int at = all.indexOf("profile");
    return new ArrayList<>(at >= 0 ? all.subList(at + 1, all.size()) : all);
  }

  /**
   * The command line's arguments with the file's flags added where the command line does not
   * set them.
   */
  static Merged merge(CommandSpec spec, List<FileFlag> flags, List<String> userArgs) {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> args = new ArrayList<>(userArgs);
    Map<String, Origin> origins = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> overridden = new ArrayList<>();
    Map<String, FileFlag> fileExclusive = new LinkedHashMap<>();
    for (FileFlag f : flags) {
      OptionSpec option = spec.findOption(f.flag());
      if (option == null) {
        problems.add(f.origin().file() + ":" + f.origin().mark().line() + ": "
            + f.origin().key() + ": needs aiperf profile's " + f.flag() + ", which aiperf-java"
            + " does not have yet; remove the setting (or set it to AIPerf's default)");
        continue;
      }
      String name = option.longestName();
      if (parsed.hasMatchedOption(option)) {
        overridden.add(commandLineName(parsed, option) + " from the command line overrides "
            + f.origin());
        continue;
      }
      for (Set<String> group : EXCLUSIVE) {
        if (group.contains(name)) {
          fileExclusive.putIfAbsent(name, f);
        }
      }
      args.addAll(f.args());
      origins.putIfAbsent(name, f.origin());
    }
    for (Set<String> group : EXCLUSIVE) {
      for (Map.Entry<String, FileFlag> e : fileExclusive.entrySet()) {
        if (!group.contains(e.getKey())) {
          continue;
        }
        for (String other : group) {
          OptionSpec o = spec.findOption(other);
          if (!other.equals(e.getKey()) && o != null && parsed.hasMatchedOption(o)) {
            problems.add(commandLineName(parsed, o) + " on the command line conflicts with "
                + e.getValue().origin() + " in the file, which sets " + e.getKey()
                + ": a run uses one of " + String.join(", ", group.stream().sorted().toList())
                + "; drop one of them");
          }
        }
      }
    }
    return new Merged(args, origins, problems, overridden);
  }

  private static String commandLineName(ParseResult parsed, OptionSpec o) {
    for (String a : parsed.originalArgs()) {
      for (String n : o.names()) {
        if (a.equals(n) || a.startsWith(n + "=")) {
          return n;
        }
      }
    }
    return o.longestName();
  }

  private static final Pattern FLAG = Pattern.compile("--[a-z0-9][a-z0-9-]*");
  private static final Pattern API_NAME = Pattern.compile("^([a-z]+(?:[A-Z][a-z0-9]+)+)\\b");

  /**
   * A problem about a flag the file set, with the key and line that set it: {@code --concurrency
   * was '0' but ...} gains {@code (set by benchmark.phases[0].concurrency (bench.yaml:12))}.
   */
  static String annotate(String problem, @Nullable Map<String, Origin> origins) {
    if (origins == null || origins.isEmpty()) {
      return problem;
    }
    List<Origin> found = new ArrayList<>();
    Matcher m = FLAG.matcher(problem);
    while (m.find()) {
      Origin o = origins.get(m.group());
      if (o != null && !found.contains(o)) {
        found.add(o);
      }
    }
    Matcher api = API_NAME.matcher(problem);
    if (found.isEmpty() && api.find()) {
      Origin o = origins.get("--" + api.group(1).replaceAll("([A-Z])", "-$1")
          .toLowerCase(java.util.Locale.ROOT));
      if (o != null) {
        found.add(o);
      }
    }
    return found.isEmpty() ? problem : problem + " (set by " + String.join(", ",
        found.stream().map(Origin::toString).toList()) + ")";
  }

  private static int usage(PrintWriter err, List<String> problems) {
    problems.forEach(p -> err.println("Error: " + p));
    err.println("Run 'aiperf config validate FILE' to check a file, 'aiperf profile --help' for"
        + " the options.");
    err.flush();
    return AiperfCommand.EXIT_USAGE;
  }
}
