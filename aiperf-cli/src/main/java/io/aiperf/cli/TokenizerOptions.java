package io.aiperf.cli;

import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.TokenizerProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's Tokenizer group. Without {@code --tokenizer} AIPerf takes the model's own tokenizer
 * from the Hugging Face Hub; aiperf-java never downloads, so it takes the model's
 * {@code tokenizer.json} from a local Hugging Face copy when there is one (the model name as a
 * directory, or the Hub cache), and otherwise counts with tiktoken's o200k_base and says so.
 */
final class TokenizerOptions {
  static final String FALLBACK = "o200k_base";

  @Option(names = "--tokenizer",
      description = "Tokenizer for token counts: a tiktoken encoding (o200k_base, cl100k_base,"
          + " ...; 'builtin' is o200k_base, as in AIPerf) or a local Hugging Face tokenizer.json"
          + " or its directory. Default: the model's tokenizer.json from a local Hugging Face"
          + " copy (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub), else o200k_base.")
  @Nullable String tokenizer;

  @Option(names = "--tokenizer-revision", defaultValue = "main",
      description = "The Hub revision of a tokenizer taken from the local Hugging Face cache"
          + " (default ${DEFAULT-VALUE}): the snapshot refs/<revision> names, or a commit.")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String revision;

  private String resolved = FALLBACK;

  /**
   * Chooses the tokenizer and reports one no provider on the class path can load, before
   * anything starts.
   */
  void validate(List<String> problems, @Nullable String model, PrintWriter err) {
    if (tokenizer != null) {
      resolved = tokenizer.equalsIgnoreCase("builtin") ? FALLBACK : tokenizer;
    } else if (model != null) {
      Optional<Path> local = localCopy(model, revision, System::getenv);
      if (local.isPresent()) {
        resolved = local.get().toString();
        err.println("Note: tokens are counted with " + model + "'s tokenizer from its local"
            + " Hugging Face copy, " + resolved);
      } else if (model.contains("/")) {
        // An org/name model is a Hub id whose tokenizer AIPerf would have downloaded: say that
        // the counts come from another one. (A bare name like 'demo' gets o200k_base quietly.)
        resolved = FALLBACK;
        err.println("Note: no local Hugging Face copy of " + model + "'s tokenizer (aiperf-java"
            + " never downloads; looked in " + String.join(", ", cacheDirs(System::getenv)
                .stream().map(Path::toString).toList()) + "): tokens are counted with"
            + " tiktoken's " + FALLBACK + ". Pass --tokenizer to choose.");
      }
      err.flush();
    }
    for (TokenizerProvider p : Plugins.all(TokenizerProvider.class)) {
      if (p.supports(resolved)) {
        return;
      }
    }
    problems.add("tokenizer was '" + resolved + "' but it is neither a tiktoken encoding"
        + " (o200k_base, cl100k_base, p50k_base, r50k_base) nor an existing tokenizer.json file or"
        + " a directory holding one; tokenizers are never downloaded");
  }

  String name() {
    return resolved;
  }

  /** The Hugging Face hub caches to look in, in the order the Hub libraries use them. */
  static List<Path> cacheDirs(Function<String, @Nullable String> env) {
    List<Path> dirs = new ArrayList<>();
    String hub = env.apply("HF_HUB_CACHE");
    String legacy = env.apply("HUGGINGFACE_HUB_CACHE");
    String home = env.apply("HF_HOME");
    String xdg = env.apply("XDG_CACHE_HOME");
    if (hub != null && !hub.isBlank()) {
      dirs.add(Path.of(hub));
    } else if (legacy != null && !legacy.isBlank()) {
      dirs.add(Path.of(legacy));
    } else if (home != null && !home.isBlank()) {
      dirs.add(Path.of(home, "hub"));
    } else if (xdg != null && !xdg.isBlank()) {
      dirs.add(Path.of(xdg, "huggingface", "hub"));
    } else {
      dirs.add(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }
    return dirs;
  }

  /**
   * A model's tokenizer.json on this machine: the model name as a directory holding one, or the
   * Hub cache's snapshot of {@code revision} (refs/REVISION, or a snapshot of that name).
   */
  static Optional<Path> localCopy(String model, String revision,
      Function<String, @Nullable String> env) {
    Path asDir = Path.of(model);
    if (Files.isRegularFile(asDir.resolve("tokenizer.json"))) {
      return Optional.of(asDir.resolve("tokenizer.json"));
    }
    if (!model.matches("[\\w.-]+(/[\\w.-]+)?")) {
      return Optional.empty();
    }
    for (Path cache : cacheDirs(env)) {
      Path repo = cache.resolve("models--" + model.replace("/", "--"));
      Path snapshots = repo.resolve("snapshots");
      String commit = revision;
      try {
        Path ref = repo.resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref)) {
          commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        }
      } catch (IOException unreadable) {
        // fall through to the snapshots themselves
      }
      Path chosen = snapshots.resolve(commit).resolve("tokenizer.json");
      if (Files.isRegularFile(chosen)) {
        return Optional.of(chosen);
      }
      if (revision.equals("main") && Files.isDirectory(snapshots)) {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(snapshots)) {
          for (Path s : all) {
            if (Files.isRegularFile(s.resolve("tokenizer.json"))) {
              return Optional.of(s.resolve("tokenizer.json"));
            }
          }
        } catch (IOException unreadable) {
          // no local copy
        }
      }
    }
    return Optional.empty();
  }
}
