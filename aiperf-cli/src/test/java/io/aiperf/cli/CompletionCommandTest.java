package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.cli.ConfigProfileIT.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell completion: the script, and AIPerf's --install-completion. */
final class CompletionCommandTest {
  @Test
  void completion_printsABashScriptThatCompletesTheCommandsAndFlags() {
    Run run = ConfigProfileIT.aiperf("completion");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("complete -F", "profile", "--concurrency", "--config",
        "validate", "expand");
  }

  @Test
  void install_writesTheScriptAndTheLineThatLoadsIt_once(@TempDir Path home) throws Exception {
    Path script = CompletionCommand.install(home, "bash", null);
    assertThat(script).isEqualTo(home.resolve(".local/share/bash-completion/completions/aiperf"));
    assertThat(Files.readString(script)).contains("complete -F");
    CompletionCommand.install(home, "bash", null);
    String rc = Files.readString(home.resolve(".bashrc"));
    assertThat(rc).contains(". \"" + script + "\"");
    assertThat(rc.split("# aiperf completion", -1)).hasSize(2);
    Path zsh = CompletionCommand.install(home, "zsh", null);
    assertThat(Files.readString(home.resolve(".zshrc"))).contains("bashcompinit", zsh.toString());
  }

  @Test
  void installCompletion_isAiperfsCommandName_andNamesAnUnsupportedShell() {
    Run run = ConfigProfileIT.aiperf("--install-completion", "--shell", "fish");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--shell was 'fish' but it must be bash or zsh");
  }
}
