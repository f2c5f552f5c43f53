package io.aiperf.cli.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The configuration templates {@code aiperf config init} writes: aiperf-java's own YAML files,
 * each valid for AIPerf 0.13 too, with AIPerf's {@code # @template} metadata block (title,
 * description, category, tags, difficulty, features) so they list and search the same way.
 */
public final class Templates {
  /** AIPerf's categories, in its listing order. */
  public static final List<String> CATEGORIES = List.of("Getting Started", "Load Testing",
      "Datasets", "Sweep & Multi-Run", "Advanced", "Multimodal", "Specialized Endpoints");
  private static final String DIR = "templates/";
  private static final Pattern DATA = Pattern.compile("(?m)^\\s*path:\\s*(data/[\\w.-]+)");

  /**
   * One template's metadata.
   *
   * @param name the file name without {@code .yaml}
   * @param title a short title
   * @param description one line
   * @param category one of {@link #CATEGORIES}
   * @param tags search words
   * @param difficulty beginner, intermediate or advanced
   * @param features what it demonstrates
   */
  public record Info(String name, String title, String description, String category,
      List<String> tags, String difficulty, List<String> features) {}

  private Templates() {}

  /** Every template, by category then name. */
  public static List<Info> all() {
    List<Info> out = new ArrayList<>();
    for (String name : read("INDEX").split("\\R")) {
      if (!name.isBlank()) {
        out.add(info(name.strip(), read(name.strip() + ".yaml")));
      }
    }
    out.sort(Comparator.comparingInt((Info i) -> CATEGORIES.indexOf(i.category()))
        .thenComparing(Info::name));
    return out;
  }

  /** Templates whose category contains the text (case-insensitive), or all. */
  public static List<Info> list(@Nullable String category) {
    String c = category == null ? null : category.toLowerCase(Locale.ROOT);
    return all().stream()
        .filter(i -> c == null || i.category().toLowerCase(Locale.ROOT).contains(c)).toList();
  }

  /** Templates matching a word in any field, name matches first (as AIPerf orders them). */
  public static List<Info> search(String query) {
    String q = query.toLowerCase(Locale.ROOT);
    List<Info> byName = new ArrayList<>();
    List<Info> other = new ArrayList<>();
    for (Info i : all()) {
      List<String> fields = new ArrayList<>(List.of(i.name(), i.title(), i.description(),
          i.category()));
      fields.addAll(i.tags());
      fields.addAll(i.features());
      if (fields.stream().anyMatch(f -> f.toLowerCase(Locale.ROOT).contains(q))) {
        (i.name().toLowerCase(Locale.ROOT).contains(q) ? byName : other).add(i);
      }
    }
    byName.addAll(other);
    return byName;
  }

  /**
   * A template's text.
   *
   * @param name the template's name
   * @return its YAML
   * @throws IllegalArgumentException naming the templates there are
   */
  public static String content(String name) {
    if (all().stream().noneMatch(i -> i.name().equals(name))) {
      throw new IllegalArgumentException("Unknown template '" + name + "'. Available"
          + " templates: " + String.join(", ", all().stream().map(Info::name).sorted()
              .toList()));
    }
    return read(name + ".yaml");
  }

  /**
   * A template's text with its model and URL replaced, comments kept.
   *
   * @param content the template
   * @param model the model name, or null to keep the template's
   * @param url the server URL, or null to keep the template's
   * @return the text
   */
  public static String customize(String content, @Nullable String model, @Nullable String url) {
    String out = content;
    if (model != null) {
      out = replaceFirst(out, "model", model);
    }
    if (url != null) {
      if (Pattern.compile("(?m)^\\s+url:").matcher(out).find()) {
        out = replaceFirst(out, "url", url);
      } else {
        // urls: as a block list: keep the key, replace the items with the one URL.
        Matcher m = Pattern.compile("(?m)^(\\s+)urls:[^\\n]*\\n((?:\\1\\s+-[^\\n]*\\n)+)")
            .matcher(out);
        if (m.find()) {
          String indent = m.group(1);
          out = out.substring(0, m.start()) + indent + "urls:\n" + indent + "  - " + scalar(url)
              + "\n" + out.substring(m.end());
        }
      }
    }
    return out;
  }

  private static String replaceFirst(String text, String key, String value) {
    Matcher m = Pattern.compile("(?m)^(\\s*" + key + ":[ \\t]*)([^#\\n]*?)([ \\t]+#[^\\n]*)?$")
        .matcher(text);
    if (!m.find()) {
      return text;
    }
    return text.substring(0, m.start()) + m.group(1) + scalar(value)
        + (m.group(3) == null ? "" : m.group(3)) + text.substring(m.end());
  }

  /** A YAML scalar that reads back as the same string. */
  static String scalar(String s) {
    boolean plain = s.matches("[A-Za-z0-9_./-][A-Za-z0-9_./:@+-]*") && !s.contains(": ")
        && !s.matches("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_.eE+-]*");
    return plain ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The data files a template's {@code path:} names, to write beside it. */
  public static Map<String, String> dataFiles(String content) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = DATA.matcher(content);
    while (m.find()) {
      out.put(m.group(1), read(m.group(1)));
    }
    return out;
  }

  /**
   * Writes a template and its data files.
   *
   * @param output the YAML file to write
   * @param content the template text
   * @return the files written
   * @throws UncheckedIOException when a file cannot be written
   */
  public static List<Path> write(Path output, String content) {
    List<Path> written = new ArrayList<>();
    try {
      Path dir = output.toAbsolutePath().getParent();
      Files.createDirectories(Objects.requireNonNull(dir));
      Files.writeString(output, content, StandardCharsets.UTF_8);
      written.add(output);
      for (Map.Entry<String, String> d : dataFiles(content).entrySet()) {
        Path p = dir.resolve(d.getKey());
        Files.createDirectories(Objects.requireNonNull(p.getParent()));
        Files.writeString(p, d.getValue(), StandardCharsets.UTF_8);
        written.add(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + output + ": " + e.getMessage(), e);
    }
    return written;
  }

  private static Info info(String name, String content) {
    Map<String, String> meta = new LinkedHashMap<>();
    List<String> lines = content.lines().toList();
    int at = lines.indexOf("# @template");
    if (at < 0) {
      throw new IllegalStateException("template " + name + " has no '# @template' block");
    }
    for (String line : lines.subList(at + 1, lines.size())) {
      int colon = line.indexOf(": ");
      if (!line.startsWith("# ") || colon < 0) {
        break;
      }
      meta.put(line.substring(2, colon).strip(), line.substring(colon + 2).strip());
    }
    String category = meta.getOrDefault("category", "");
    if (!CATEGORIES.contains(category)) {
      throw new IllegalStateException("template " + name + " has category '" + category
          + "', not one of " + CATEGORIES);
    }
    return new Info(name, meta.getOrDefault("title", name),
        meta.getOrDefault("description", ""), category, csv(meta.get("tags")),
        meta.getOrDefault("difficulty", "beginner"), csv(meta.get("features")));
  }

  private static List<String> csv(@Nullable String s) {
    if (s == null) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(s.split(",")).map(String::strip).filter(v -> !v.isEmpty()).forEach(out::add);
    return List.copyOf(out);
  }

  private static String read(String resource) {
    try (InputStream in = Templates.class.getResourceAsStream(DIR + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing template resource " + DIR + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
