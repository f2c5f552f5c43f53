package io.aiperf.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An AIPerf 0.13 YAML configuration file, read, normalized and expanded into its variations.
 *
 * <pre>{@code
 * ConfigFile config = ConfigFile.load(Path.of("bench.yaml"), System::getenv);
 * for (Variation v : config.variations()) {
 *   List<FileFlag> flags = config.flags(v, Path.of(""));
 * }
 * }</pre>
 */
public final class ConfigFile {
  private final Path file;
  private final Node.MapNode root;
  private final List<Variation> variations;
  private final List<String> warnings;
  private final boolean swept;

  private ConfigFile(Path file, Node.MapNode root, List<Variation> variations,
      List<String> warnings, boolean swept) {
    this.file = file;
    this.root = root;
    this.variations = variations;
    this.warnings = warnings;
    this.swept = swept;
  }

  /**
   * Reads a file: YAML, then AIPerf's envelope and shorthand forms, then its sweep.
   *
   * @param file the file
   * @param env the environment for {@code ${VAR}} references
   * @return the configuration
   * @throws ConfigException naming every problem found, with file, line and key
   */
  public static ConfigFile load(Path file, Function<String, @Nullable String> env) {
    Node.MapNode root = (Node.MapNode) YamlReader.read(file, env);
    List<ConfigProblem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    new Normalizer(file, problems, warnings).normalize(root);
    Node body = root.get("benchmark");
    if (body == null) {
      problems.add(new ConfigProblem(file, root.mark(), "benchmark", "is missing: the"
          + " benchmark: section holds models, endpoint, dataset and phases"));
    } else if (!(body instanceof Node.MapNode)) {
      problems.add(new ConfigProblem(file, body.mark(), "benchmark", "must be a mapping but is "
          + Node.kind(body)));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    List<Variation> variations = new Sweeps(file, problems).expand(root,
        (Node.MapNode) Objects.requireNonNull(body));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    boolean swept = root.get("sweep") instanceof Node.MapNode || variations.size() > 1;
    return new ConfigFile(file, root, variations, warnings, swept);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The variations: one without a sweep, labelled {@code base}. */
  public List<Variation> variations() {
    return variations;
  }

  /** The sweep's type as AIPerf names it ({@code GridSweep}, ...), or {@code none}. */
  public String sweepType() {
    if (!(root.get("sweep") instanceof Node.MapNode s)) {
      return variations.size() > 1 ? "GridSweep" : "none";
    }
    String type = s.get("type") instanceof Node.Scalar t && t.value() instanceof String ts
        ? ts : "grid";
    return switch (type) {
      case "zip" -> "ZipSweep";
      case "scenarios" -> "ScenarioSweep";
      default -> "GridSweep";
    };
  }

  /** Warnings found while reading (not errors: the file runs). */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The flags one variation sets, in order; checks every key against AIPerf's schema.
   *
   * @param v the variation
   * @param cwd the directory relative paths fall back to
   * @return the flags
   * @throws ConfigException naming every problem with its line
   */
  public List<FileFlag> flags(Variation v, Path cwd) {
    List<ConfigProblem> problems = new ArrayList<>();
    Node.MapNode envelope = root.copy();
    envelope.put("benchmark", v.body());
    if (swept && !(root.get("random_seed") instanceof Node.Scalar s && s.value() != null)) {
      // As AIPerf: variations of a sweep share one workload unless told otherwise.
      envelope.put(new Node.Key("random_seed", Node.Mark.NONE),
          new Node.Scalar(42L, Node.Mark.NONE));
    }
    List<FileFlag> flags = Translator.translate(file, envelope, v.body(), problems, warnings,
        cwd);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return flags;
  }
}
