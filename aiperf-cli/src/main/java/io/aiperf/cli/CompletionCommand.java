package io.aiperf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shell completion: {@code aiperf completion} prints the script (bash; zsh reads it through
 * bashcompinit), and {@code aiperf --install-completion}, AIPerf's name, writes it where the
 * shell finds it and, as AIPerf does, adds the line that loads it to ~/.bashrc or ~/.zshrc.
 * picocli's {@link AutoComplete} writes the script from the commands' own options.
 */
final class CompletionCommand {
  private CompletionCommand() {}

  static String script() {
    return AutoComplete.bash("aiperf", new CommandLine(new AiperfCommand()));
  }

  /** {@code aiperf completion}. */
  @Command(name = "completion", mixinStandardHelpOptions = true,
      description = "Print the bash/zsh completion script: source <(aiperf completion)")
  static final class Print implements Runnable {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before run()
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(script());
      out.flush();
    }
  }

  /** {@code aiperf --install-completion [--shell bash|zsh] [-o FILE]}. */
  @Command(name = "--install-completion", mixinStandardHelpOptions = true,
      description = "Install shell completion for aiperf (bash or zsh).")
  static final class Install implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shell", description = "bash or zsh (default: from $SHELL).")
    @Nullable String shell;

    @Option(names = {"-o", "--output"}, description = "Where to write the script.")
    @Nullable Path output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String home = System.getenv("HOME");
      String chosen = shell != null ? shell : shellOf(System.getenv("SHELL"));
      if (chosen == null) {
        err.println("Error: could not tell the shell from $SHELL; pass --shell bash or --shell"
            + " zsh");
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      }
      try {
        Path written = install(Path.of(home != null ? home : System.getProperty("user.home")),
            chosen, output);
        out.println("Completion script installed to " + written);
        out.println("Restart your shell, or run: . " + written);
        out.flush();
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("Error: " + e.getMessage());
        err.flush();
        return AiperfCommand.EXIT_USAGE;
      } catch (IOException e) {
        err.println("Error: cannot write the completion script: " + e.getMessage());
        err.flush();
        return AiperfCommand.EXIT_FAILED;
      }
    }
  }

  static @Nullable String shellOf(@Nullable String shellPath) {
    if (shellPath == null || shellPath.isBlank()) {
      return null;
    }
    String name = Path.of(shellPath).getFileName().toString().toLowerCase(Locale.ROOT);
    return name.equals("bash") || name.equals("zsh") ? name : null;
  }

  /**
   * Writes the script and the line that loads it.
   *
   * @param home the user's home directory
   * @param shell bash or zsh
   * @param output where to write the script, or null for the shell's usual place
   * @return the script's path
   * @throws IOException when a file cannot be written
   * @throws IllegalArgumentException for another shell
   */
  static Path install(Path home, String shell, @Nullable Path output) throws IOException {
    Path script;
    Path rc;
    String load;
    switch (shell.toLowerCase(Locale.ROOT)) {
      case "bash" -> {
        script = output != null ? output
            : home.resolve(".local/share/bash-completion/completions/aiperf");
        rc = home.resolve(".bashrc");
        load = "[ -f \"" + script + "\" ] && . \"" + script + "\"";
      }
      case "zsh" -> {
        script = output != null ? output : home.resolve(".zsh/completions/aiperf.bash");
        rc = home.resolve(".zshrc");
        load = "autoload -U +X bashcompinit && bashcompinit && [ -f \"" + script + "\" ] && . \""
            + script + "\"";
      }
      default -> throw new IllegalArgumentException("--shell was '" + shell + "' but it must be"
          + " bash or zsh (picocli writes bash completion, which zsh loads through"
          + " bashcompinit)");
    }
    Path dir = script.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(script, script(), StandardCharsets.UTF_8);
    String existing = Files.exists(rc) ? Files.readString(rc, StandardCharsets.UTF_8) : "";
    if (!existing.contains(load)) {
      Files.writeString(rc, existing + (existing.isEmpty() || existing.endsWith("\n") ? ""
          : "\n") + "# aiperf completion\n" + load + "\n", StandardCharsets.UTF_8);
    }
    return script;
  }
}
