package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the model's own tokenizer is looked for when --tokenizer is not given. */
final class TokenizerOptionsTest {
  private static Path snapshot(Path hub, String repo, String commit) throws Exception {
    Path dir = hub.resolve("models--" + repo.replace("/", "--"));
    Path snap = Files.createDirectories(dir.resolve("snapshots").resolve(commit));
    Files.writeString(snap.resolve("tokenizer.json"), "{}");
    return snap.resolve("tokenizer.json");
  }

  @Test
  void hubCache_refsMainNamesTheSnapshot(@TempDir Path tmp) throws Exception {
    Path hub = tmp.resolve("hub");
    snapshot(hub, "acme/tiny", "old111");
    Path main = snapshot(hub, "acme/tiny", "new222");
    Path refs = Files.createDirectories(hub.resolve("models--acme--tiny").resolve("refs"));
    Files.writeString(refs.resolve("main"), "new222\n");
    Map<String, String> env = Map.of("HF_HUB_CACHE", hub.toString());
    assertThat(TokenizerOptions.localCopy("acme/tiny", "main", env::get)).contains(main);
    assertThat(TokenizerOptions.localCopy("acme/tiny", "old111", env::get))
        .contains(hub.resolve("models--acme--tiny/snapshots/old111/tokenizer.json"));
    assertThat(TokenizerOptions.localCopy("acme/other", "main", env::get)).isEmpty();
  }

  @Test
  void cacheDirs_followTheHubLibrariesOrder(@TempDir Path tmp) {
    assertThat(TokenizerOptions.cacheDirs(Map.of("HF_HOME", "/h", "XDG_CACHE_HOME", "/x")::get))
        .containsExactly(Path.of("/h", "hub"));
    assertThat(TokenizerOptions.cacheDirs(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/h")::get))
        .containsExactly(Path.of("/c"));
    assertThat(TokenizerOptions.cacheDirs(Map.of("XDG_CACHE_HOME", "/x")::get))
        .containsExactly(Path.of("/x", "huggingface", "hub"));
  }

  @Test
  void modelNameThatIsADirectory_withATokenizerJson_isUsed(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("tokenizer.json"), "{}");
    assertThat(TokenizerOptions.localCopy(tmp.toString(), "main", k -> null))
        .contains(tmp.resolve("tokenizer.json"));
  }
}
