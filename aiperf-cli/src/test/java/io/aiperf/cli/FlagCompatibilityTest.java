package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * aiperf-java's {@code profile} flags against AIPerf 0.13's, from the table
 * {@code compat/aiperf-0.13/extract_facts.py} read out of AIPerf's CLIConfig
 * ({@code aiperf-0.13/flags.tsv}): a flag aiperf-java has takes every name AIPerf gives it, and
 * every other flag is in {@code flags-left-out.tsv} with the reason. The table in
 * {@code docs/aiperf-flags.md} is made from both; {@code -Daiperf.writeFlagsDoc=true} rewrites it.
 */
final class FlagCompatibilityTest {
  record AiperfFlag(String field, List<String> names, String group, String defaultJson) {}

  static List<AiperfFlag> aiperfFlags() throws IOException {
    List<AiperfFlag> out = new ArrayList<>();
    for (String line : resource("aiperf-0.13/flags.tsv")) {
      String[] c = line.split("\t", -1);
      out.add(new AiperfFlag(c[0], List.of(c[1].split(" ")), c[2], c[3]));
    }
    return out;
  }

  static Map<String, String> leftOut() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : resource("aiperf-0.13/flags-left-out.tsv")) {
      String[] c = line.split("\t", 2);
      out.put(c[0], c[1]);
    }
    return out;
  }

  private static List<String> resource(String name) throws IOException {
    try (var in = Objects.requireNonNull(FlagCompatibilityTest.class.getClassLoader()
        .getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
  }

  private static CommandSpec profile() {
    return new CommandLine(new ProfileCommand()).getCommandSpec();
  }

  @Test
  void everyAiperfFlag_isHereWithAllItsNames_orLeftOutWithAReason() throws IOException {
    CommandSpec spec = profile();
    Map<String, String> leftOut = leftOut();
    List<String> problems = new ArrayList<>();
    for (AiperfFlag f : aiperfFlags()) {
      List<String> have = f.names().stream().filter(n -> spec.findOption(n) != null).toList();
      if (have.isEmpty() && !leftOut.containsKey(f.field())) {
        problems.add(f.field() + " " + f.names() + ": neither a flag here nor in"
            + " flags-left-out.tsv");
      }
      if (!have.isEmpty() && leftOut.containsKey(f.field())) {
        problems.add(f.field() + " " + f.names() + ": a flag here but still in"
            + " flags-left-out.tsv");
      }
      if (!have.isEmpty() && have.size() < f.names().size()) {
        problems.add(f.field() + ": missing the alias(es) " + f.names().stream()
            .filter(n -> !have.contains(n)).toList());
      }
      if (have.stream().map(spec::findOption).distinct().count() > 1) {
        problems.add(f.field() + ": its names are different options here " + have);
      }
    }
    List<String> fields = aiperfFlags().stream().map(AiperfFlag::field).toList();
    leftOut.keySet().stream().filter(k -> !fields.contains(k))
        .forEach(k -> problems.add(k + ": in flags-left-out.tsv but not an AIPerf 0.13 flag"));
    assertThat(problems).isEmpty();
  }

  static Stream<String> everyAiperfName() throws IOException {
    CommandSpec spec = profile();
    return aiperfFlags().stream().flatMap(f -> f.names().stream())
        .filter(n -> spec.findOption(n) != null);
  }

  /** Each AIPerf name parses as the option it names, with a value where it takes one. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyAiperfName")
  void aiperfName_parsesAsItsOption(String name) {
    CommandLine cli = new CommandLine(new ProfileCommand());
    OptionSpec option = cli.getCommandSpec().findOption(name);
    List<String> args = new ArrayList<>(List.of(name));
    if (option.arity().max() > 0) {
      args.add(value(option));
    }
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    assertThat(parsed.hasMatchedOption(option)).as(name).isTrue();
    assertThat(parsed.matchedOptions()).as(name).hasSize(1);
    if (option.arity().max() > 0) {
      assertThat(parsed.matchedOption(option.longestName()).originalStringValues()).as(name)
          .isEqualTo(args.subList(1, args.size()));
    }
  }

  private static String value(OptionSpec o) {
    Class<?> t = o.type();
    if (t == Path.class) {
      return "some/file";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true";
    }
    String label = o.longestName();
    if (label.equals("--confidence-level")) {
      return "0.9"; // a number, unlike the log and export levels
    }
    return label.contains("level") ? "DEBUG" : "1";
  }

  @Test
  void flagsDoc_isCurrent() throws IOException {
    Path doc = Path.of("..", "docs", "aiperf-flags.md");
    String expected = doc();
    if (Boolean.getBoolean("aiperf.writeFlagsDoc")) {
      Files.writeString(doc, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "")
        .as("docs/aiperf-flags.md is made by FlagCompatibilityTest; rerun it with"
            + " -Daiperf.writeFlagsDoc=true and commit the file")
        .isEqualTo(expected);
  }

  private static String doc() throws IOException {
    CommandSpec spec = profile();
    Map<String, String> leftOut = leftOut();
    List<AiperfFlag> flags = aiperfFlags();
    long here = flags.stream().filter(f -> !leftOut.containsKey(f.field())).count();
    StringWriter s = new StringWriter();
    PrintWriter out = new PrintWriter(s);
    out.println("# AIPerf 0.13 flags in aiperf-java");
    out.println();
    out.println("Every `aiperf profile` flag of AIPerf 0.13, as `compat/aiperf-0.13/extract_facts.py`"
        + " reads them from AIPerf's own CLI model, and what aiperf-java does with it. Made by"
        + " `FlagCompatibilityTest` (aiperf-cli), which fails when this file, the flags or the"
        + " reasons below disagree.");
    out.println();
    out.println(here + " of " + flags.size() + " AIPerf flags work in aiperf-java under every"
        + " name AIPerf gives them; the rest are listed with the reason. aiperf-java's own flags"
        + " (mock server, TLS, ZeroMQ workers, `--slo`, ...) are in `aiperf profile --help`.");
    String group = "";
    for (AiperfFlag f : flags) {
      if (!f.group().equals(group)) {
        group = f.group();
        out.println();
        out.println("## " + group);
        out.println();
        out.println("| AIPerf flag | AIPerf default | aiperf-java |");
        out.println("|---|---|---|");
      }
      String names = String.join(", ", f.names().stream().map(n -> "`" + n + "`").toList());
      String ours;
      if (leftOut.containsKey(f.field())) {
        ours = "not supported: " + leftOut.get(f.field());
      } else {
        OptionSpec o = f.names().stream().map(spec::findOption).filter(Objects::nonNull)
            .findFirst().orElseThrow();
        String d = o.defaultValue();
        ours = "yes" + (d == null ? "" : " (default " + d + ")");
      }
      out.println("| " + names + " | " + f.defaultJson().replace("|", "\\|") + " | "
          + ours.replace("|", "\\|") + " |");
    }
    out.flush();
    return s.toString();
  }
}
