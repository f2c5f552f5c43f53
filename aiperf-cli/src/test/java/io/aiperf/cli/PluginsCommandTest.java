package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.cli.ConfigProfileIT.Run;
import org.junit.jupiter.api.Test;

/** {@code aiperf plugins [CATEGORY [TYPE]] [--all] [--validate]}, in AIPerf's shape. */
final class PluginsCommandTest {
  private static Run aiperf(String... args) {
    return ConfigProfileIT.aiperf(args);
  }

  @Test
  void noArguments_listsThePackagesThatBringPlugins() {
    Run run = aiperf("plugins");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Installed packages\n")
        .contains("aiperf-engine", "aiperf-zmq", "Usage: aiperf plugins --all");
  }

  @Test
  void all_showsEveryCategoryWithItsPlugins() {
    Run run = aiperf("plugins", "-a");
    assertThat(run.out()).contains("  endpoint", "chat, ", "  message_bus", "inmemory",
        "zmq", "Usage: aiperf plugins <category> to see available types");
  }

  @Test
  void category_listsItsTypes_andAiperfsNameForItWorksToo() {
    Run run = aiperf("plugins", "endpoint");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("API formats", "  chat ", "  embeddings ",
        "Usage: aiperf plugins endpoint <type> for details");
    assertThat(aiperf("plugins", "communication").out()).contains("inmemory", "zmq");
    Run unknown = aiperf("plugins", "nope");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.out()).contains("Unknown category: nope", "Available: endpoint,");
  }

  @Test
  void categoryAndType_showTheDetails() {
    Run run = aiperf("plugins", "endpoint", "chat");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("endpoint:chat", "Type:        chat",
        "Class:       io.aiperf.engine.internal.endpoint.ChatEndpointProvider", "Available:   yes");
    Run missing = aiperf("plugins", "endpoint", "telepathy");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.out()).contains("Not found: endpoint:telepathy", "Available: ");
  }

  @Test
  void validate_loadsEveryProvider() {
    Run run = aiperf("plugins", "--validate");
    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("(OK) Every provider loads",
        "(OK) Names are unique in each category", "All checks passed");
  }
}
