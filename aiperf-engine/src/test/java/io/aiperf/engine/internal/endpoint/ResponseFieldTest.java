package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The JMESPath subset of {@code response_field}: what it reads, and what it refuses by name. */
final class ResponseFieldTest {
  private static final JsonNode ANSWER = tree("{\"choices\":[{\"message\":{\"content\":\"hi\"}},"
      + "{\"message\":{\"content\":\"last\"}}],\"data\":[[1,2],[3,4]],\"generated-text\":\"g\","
      + "\"n\":{\"x\":null}}");

  private static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String find(String field) {
    JsonNode v = ResponseField.parse(field).find(ANSWER);
    return v.isMissingNode() ? "<missing>" : v.toString();
  }

  @Test
  void namesIndexesNegativeIndexesAndQuotedNames_readAsJmesPathDoes() {
    assertThat(find("choices[0].message.content")).isEqualTo("\"hi\"");
    assertThat(find("choices[-1].message.content")).isEqualTo("\"last\"");
    assertThat(find("data[1][0]")).isEqualTo("3");
    assertThat(find("\"generated-text\"")).isEqualTo("\"g\"");
    assertThat(find(" choices[0] ")).isEqualTo("{\"message\":{\"content\":\"hi\"}}");
  }

  @Test
  void pathsThatMatchNothing_giveNothing() {
    assertThat(find("choices[5].message")).isEqualTo("<missing>");
    assertThat(find("choices.message")).isEqualTo("<missing>"); // a name on an array
    assertThat(find("n[0]")).isEqualTo("<missing>"); // an index on an object
    assertThat(find("absent.deeper")).isEqualTo("<missing>");
  }

  @Test
  void jmesPathBeyondPaths_isRefusedNamingTheConstruct() {
    assertThatThrownBy(() -> ResponseField.parse("choices[*].text"))
        .hasMessage("response_field was 'choices[*].text' but '[*]' is a JMESPath wildcard"
            + " projection; aiperf-java reads paths of names and [index]es, such as"
            + " choices[0].message.content");
    assertThatThrownBy(() -> ResponseField.parse("choices[?finish_reason=='stop']"))
        .hasMessageContaining("is a JMESPath filter");
    assertThatThrownBy(() -> ResponseField.parse("data[0:2]"))
        .hasMessageContaining("'[0:2]' is a JMESPath slice");
    assertThatThrownBy(() -> ResponseField.parse("choices[]"))
        .hasMessageContaining("is a JMESPath flatten projection");
    assertThatThrownBy(() -> ResponseField.parse("choices | [0]"))
        .hasMessageContaining("is a JMESPath pipe");
    assertThatThrownBy(() -> ResponseField.parse("length(choices)"))
        .hasMessageContaining("'length(...)' is a JMESPath function");
    assertThatThrownBy(() -> ResponseField.parse("{a: b}"))
        .hasMessageContaining("is a JMESPath multi-select");
  }

  @Test
  void malformedPaths_areRefusedSayingWhere() {
    assertThatThrownBy(() -> ResponseField.parse("choices.0.text"))
        .hasMessageContaining("'.0' is no JMESPath index (AIPerf's JMESPath rejects it too);"
            + " write [0]");
    assertThatThrownBy(() -> ResponseField.parse("choices..text"))
        .hasMessageContaining("a '.' at column 9 follows no name");
    assertThatThrownBy(() -> ResponseField.parse("choices[0"))
        .hasMessageContaining("the '[' at column 8 is not closed");
    assertThatThrownBy(() -> ResponseField.parse("text."))
        .hasMessageContaining("it ends with a '.'");
    assertThatThrownBy(() -> ResponseField.parse(""))
        .hasMessageContaining("response_field was '' but it is empty");
  }
}
