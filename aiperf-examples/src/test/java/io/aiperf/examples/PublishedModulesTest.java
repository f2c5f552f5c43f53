package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which modules are published, read from the POMs: every module of the reactor that does not skip
 * deploy is in aiperf-bom (the BOM and the parent aside), and the release profile's Central plugin
 * excludes exactly the others.
 */
final class PublishedModulesTest {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern BOM_ENTRY =
      Pattern.compile("<groupId>io\\.aiperf</groupId><artifactId>([^<]+)</artifactId>");
  private static final Pattern EXCLUDED = Pattern.compile("<excludeArtifact>([^<]+)</excludeArtifact>");
  private static final Pattern ARTIFACT_ID =
      Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("aiperf-bom"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a parent folder holding aiperf-bom").isNotNull();
    return dir;
  }

  private static Set<String> all(Pattern pattern, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void theBomListsExactlyThePublishedModules_andTheReleaseExcludesTheOthers() throws IOException {
    Path root = repositoryRoot();
    String parent = Files.readString(root.resolve("pom.xml"));
    Set<String> published = new TreeSet<>();
    Set<String> notPublished = new TreeSet<>();
    for (String module : all(MODULE, parent)) {
      if (module.equals("aiperf-bom")) {
        continue;
      }
      String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
      Matcher id = ARTIFACT_ID.matcher(pom);
      assertThat(id.find()).as(module + "/pom.xml names its artifactId after <parent>").isTrue();
      (pom.contains("<maven.deploy.skip>true</maven.deploy.skip>") ? notPublished : published)
          .add(id.group(1));
    }

    String bom = Files.readString(root.resolve("aiperf-bom").resolve("pom.xml"));
    assertThat(all(BOM_ENTRY, bom)).isEqualTo(published);
    assertThat(published).contains("aiperf-api", "aiperf-engine", "aiperf-junit")
        .doesNotContain("aiperf-jmh", "aiperf-examples");
    assertThat(all(EXCLUDED, parent)).isEqualTo(notPublished);
    assertThat(all(EXCLUDED, bom)).isEqualTo(notPublished);
  }
}
