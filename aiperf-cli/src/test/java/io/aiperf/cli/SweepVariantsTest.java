package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AIPerf's --variant, read into the lists and sweep type aiperf-java's sweep runs. */
final class SweepVariantsTest {
  @Test
  void variantsSideBySide_areAZip_everyCombination_aGrid() {
    SweepVariants.Lists zip = SweepVariants.parse(List.of("small: isl=128, concurrency=4",
        "large: ISL=512, Concurrency=16"));
    assertThat(zip.type()).isEqualTo("zip");
    assertThat(zip.values()).isEqualTo(Map.of("--isl", List.of("128", "512"),
        "--concurrency", List.of("4", "16")));
    SweepVariants.Lists grid = SweepVariants.parse(List.of("request_rate=1, osl=8",
        "--request-rate=1, osl=16", "request-rate=2, osl=8", "request-rate=2, osl=16"));
    assertThat(grid.type()).isEqualTo("grid");
    assertThat(grid.values().get("--request-rate")).containsExactly("1", "2");
  }

  @Test
  void whatTheSweepCannotRun_isRefusedNamingTheVariant() {
    assertThatThrownBy(() -> SweepVariants.parse(List.of("isl=1")))
        .hasMessageStartingWith("--variant was given once but it describes one benchmark");
    assertThatThrownBy(() -> SweepVariants.parse(List.of("a: request-count=3", "b: isl=2")))
        .hasMessage("--variant was 'a: request-count=3' but 'request-count' is not something"
            + " aiperf-java's sweep varies; it takes concurrency, request-rate, isl and osl");
    assertThatThrownBy(() -> SweepVariants.parse(List.of("isl=1, osl=2", "isl=3")))
        .hasMessageContaining("aiperf-java's sweep needs every variant to set the same keys");
    assertThatThrownBy(() -> SweepVariants.parse(List.of("isl=1, osl=2", "isl=3, osl=2",
        "isl=3, osl=4")))
        .hasMessageContaining("neither every combination of --isl, --osl (a grid) nor lists"
            + " side by side (a zip)");
    assertThatThrownBy(() -> SweepVariants.parse(List.of("isl 1", "isl=2")))
        .hasMessage("--variant was 'isl 1' but 'isl 1' is not key=value");
  }
}
