package io.aiperf.cli.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a YAML file into {@link Node}s that remember their line. SnakeYAML composes the node
 * graph (YAML 1.1, as PyYAML reads AIPerf's files: {@code yes}/{@code on} are booleans, anchors
 * and merge keys resolve), and each scalar is typed by SnakeYAML's safe constructor. Then, as
 * AIPerf's loader does: a repeated key is an error rather than last-one-wins, keys must be
 * strings, and {@code ${VAR}} / {@code ${VAR:default}} in string values are replaced from the
 * environment (a value that is only such a reference is typed again: {@code true}, {@code 3},
 * {@code 0.5}).
 */
public final class YamlReader {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");
  private static final Pattern WHOLE_ENV =
      Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?}");
  private static final Pattern UNTERMINATED = Pattern.compile("\\$\\{[^}\\n]*$");
  /** As AIPerf: deeper than this is a mistake (or an alias cycle), not a configuration. */
  private static final int MAX_DEPTH = 256;

  private final Path file;
  private final Function<String, @Nullable String> env;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<org.yaml.snakeyaml.nodes.Node, Boolean> onPath = new IdentityHashMap<>();
  private final ScalarTyper typer = new ScalarTyper();

  private YamlReader(Path file, Function<String, @Nullable String> env) {
    this.file = file;
    this.env = env;
  }

  /**
   * Reads a file.
   *
   * @param file the YAML file
   * @param env the environment, for {@code ${VAR}} references
   * @return the document's root
   * @throws ConfigException naming every problem, with its line
   */
  public static Node read(Path file, Function<String, @Nullable String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigProblem(file, Node.Mark.NONE, "",
          (Files.exists(file) ? "cannot be read: " : "does not exist: ") + e.getMessage())));
    }
    return parse(file, text, env);
  }

  /**
   * Reads YAML text.
   *
   * @param file the name to report problems under
   * @param text the text
   * @param env the environment, for {@code ${VAR}} references
   * @return the document's root
   * @throws ConfigException naming every problem, with its line
   */
  public static Node parse(Path file, String text, Function<String, @Nullable String> env) {
    YamlReader r = new YamlReader(file, env);
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported below with both lines, not SnakeYAML's way
    options.setMergeOnCompose(true);
    options.setAllowRecursiveKeys(false);
    org.yaml.snakeyaml.nodes.Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new ConfigException(List.of(new ConfigProblem(file,
          m == null ? Node.Mark.NONE : new Node.Mark(m.getLine() + 1, m.getColumn() + 1), "",
          "is not valid YAML: " + oneLine(e.getProblem() != null ? e.getProblem()
              : String.valueOf(e.getMessage())))));
    } catch (YAMLException e) {
      throw new ConfigException(List.of(new ConfigProblem(file, Node.Mark.NONE, "",
          "is not valid YAML: " + oneLine(String.valueOf(e.getMessage())))));
    }
    if (root == null) {
      throw new ConfigException(List.of(new ConfigProblem(file, Node.Mark.NONE, "",
          "is empty; it needs at least a benchmark: section")));
    }
    Node converted = r.convert(root, "", 0);
    if (!r.problems.isEmpty()) {
      throw new ConfigException(r.problems);
    }
    if (!(converted instanceof Node.MapNode)) {
      throw new ConfigException(List.of(new ConfigProblem(file, converted.mark(), "",
          "must be a YAML mapping (schemaVersion:, benchmark:, ...) but is "
              + Node.kind(converted))));
    }
    return converted;
  }

  private static String oneLine(String s) {
    return s.strip().replace('\n', ' ');
  }

  private static Node.Mark mark(org.yaml.snakeyaml.nodes.Node n) {
    Mark m = n.getStartMark();
    return m == null ? Node.Mark.NONE : new Node.Mark(m.getLine() + 1, m.getColumn() + 1);
  }

  private Node convert(org.yaml.snakeyaml.nodes.Node n, String path, int depth) {
    if (depth > MAX_DEPTH || onPath.containsKey(n)) {
      problems.add(new ConfigProblem(file, mark(n), path, depth > MAX_DEPTH
          ? "is nested deeper than " + MAX_DEPTH + " levels" : "refers to itself through an alias"));
      return new Node.Scalar(null, mark(n));
    }
    onPath.put(n, Boolean.TRUE);
    try {
      if (n instanceof MappingNode m) {
        Node.MapNode out = new Node.MapNode(mark(n));
        for (NodeTuple t : m.getValue()) {
          Node key = convert(t.getKeyNode(), path, depth + 1);
          if (!(key instanceof Node.Scalar s) || !(s.value() instanceof String name)) {
            problems.add(new ConfigProblem(file, key.mark(), path, "has the key '"
                + (key instanceof Node.Scalar s2 ? s2.text() : Node.kind(key))
                + "', which is not a string; keys must be names"));
            continue;
          }
          String child = path.isEmpty() ? name : path + "." + name;
          Node.MapNode.Entry earlier = out.entry(name);
          if (earlier != null) {
            problems.add(new ConfigProblem(file, key.mark(), child, "is repeated (first at line "
                + earlier.key().mark().line() + "); a key may appear once per mapping"));
            continue;
          }
          out.put(new Node.Key(name, key.mark()), convert(t.getValueNode(), child, depth + 1));
        }
        return out;
      }
      if (n instanceof SequenceNode s) {
        Node.ListNode out = new Node.ListNode(mark(n));
        int i = 0;
        for (org.yaml.snakeyaml.nodes.Node item : s.getValue()) {
          out.items().add(convert(item, path + "[" + i++ + "]", depth + 1));
        }
        return out;
      }
      ScalarNode sn = (ScalarNode) n;
      Object value;
      try {
        value = typer.value(sn);
      } catch (YAMLException e) {
        problems.add(new ConfigProblem(file, mark(n), path, "'" + sn.getValue()
            + "' cannot be read: " + oneLine(String.valueOf(e.getMessage()))));
        value = sn.getValue();
      }
      if (value instanceof Integer i) {
        value = i.longValue();
      } else if (value instanceof java.util.Date) {
        value = sn.getValue(); // AIPerf has no date settings; keep the text
      } else if (value instanceof byte[]) {
        value = sn.getValue();
      }
      if (value instanceof String str && str.contains("${")) {
        value = substitute(str, mark(n), path);
      }
      return new Node.Scalar(value, mark(n));
    } finally {
      onPath.remove(n);
    }
  }

  /** AIPerf's {@code ${VAR}} / {@code ${VAR:default}} substitution. */
  private @Nullable Object substitute(String text, Node.Mark mark, String path) {
    StringBuilder out = new StringBuilder();
    Matcher m = ENV.matcher(text);
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        value = m.group(2);
      }
      if (value == null) {
        problems.add(new ConfigProblem(file, mark, path, "needs the environment variable "
            + m.group(1) + ", which is not set; set it or give a default: ${" + m.group(1)
            + ":value}"));
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String result = out.toString();
    if (UNTERMINATED.matcher(result).find()) {
      problems.add(new ConfigProblem(file, mark, path, "has a '${' without its closing '}'"));
    }
    return WHOLE_ENV.matcher(text).matches() ? coerce(result) : result;
  }

  /** AIPerf's typing of a value that was only an environment reference. */
  private static Object coerce(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false")) {
      return Boolean.valueOf(lower);
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException notLong) {
      // next
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (!v.strip().isEmpty()) {
        return d;
      }
    } catch (NumberFormatException notDouble) {
      // a string
    }
    return v;
  }

  /** SnakeYAML's safe constructor, used only to type scalars as YAML 1.1 does. */
  private static final class ScalarTyper extends SafeConstructor {
    ScalarTyper() {
      super(new LoaderOptions());
    }

    @Nullable Object value(ScalarNode n) {
      return constructObject(n);
    }
  }
}
