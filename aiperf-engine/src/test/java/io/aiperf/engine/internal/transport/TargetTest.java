package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a URL's own path and the endpoint's request path join, as AIPerf 0.13 joins them. */
final class TargetTest {
  @Test
  void join_baseWithoutPath_appendsTheRequestPath() {
    assertThat(Target.join("", "/v1/chat/completions")).isEqualTo("/v1/chat/completions");
    assertThat(Target.join("", "v1/embeddings")).isEqualTo("/v1/embeddings");
  }

  @Test
  void join_baseAlreadyEndingWithTheRequestPath_isKept() {
    assertThat(Target.join("/v1/chat/completions", "/v1/chat/completions"))
        .isEqualTo("/v1/chat/completions");
    assertThat(Target.join("/proxy/v1/chat/completions", "v1/chat/completions"))
        .isEqualTo("/proxy/v1/chat/completions");
  }

  @Test
  void join_baseEndingInV1_dropsTheRequestPathsV1() {
    assertThat(Target.join("/v1", "/v1/chat/completions")).isEqualTo("/v1/chat/completions");
    assertThat(Target.join("/api/v1", "/v1/completions")).isEqualTo("/api/v1/completions");
  }

  @Test
  void join_otherBasePaths_areAPrefix() {
    assertThat(Target.join("/proxy", "/v1/chat/completions"))
        .isEqualTo("/proxy/v1/chat/completions");
    assertThat(Target.join("/v1/chat/completions", "/v1/embeddings"))
        .isEqualTo("/v1/chat/completions/v1/embeddings");
  }

  @Test
  void join_emptyRequestPath_keepsTheBase() {
    assertThat(Target.join("/generate", "")).isEqualTo("/generate");
    assertThat(Target.join("", "/")).isEqualTo("/");
  }
}
