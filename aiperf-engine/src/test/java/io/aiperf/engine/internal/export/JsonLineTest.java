package io.aiperf.engine.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lines built as bytes read as the generator would have written them, byte for byte. */
final class JsonLineTest {
  private interface Body {
    void write(JsonGenerator json) throws Exception;
  }

  private static String generated(Body body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
      json.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
      body.write(json);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void strings_areEscapedAsTheGeneratorEscapes() throws Exception {
    String[] samples = {"plain", "", "quote \" and \\ backslash", "tab\tnewline\n\u0001\u001f",
        "caf\u00e9", "emoji \ud83d\ude00", "line sep \u2028", "del \u007f", "/slash/", null};
    for (String s : samples) {
      JsonLine line = new JsonLine();
      line.startObject();
      line.field(JsonLine.name("k\"ey"));
      line.value(s);
      line.endObject();
      assertThat(line.toString()).as(String.valueOf(s)).isEqualTo(generated(json -> {
        json.writeStartObject();
        json.writeStringField("k\"ey", s);
        json.writeEndObject();
      }));
    }
  }

  @Test
  void numbersAndLiterals_areWrittenAsTheGeneratorWritesThem() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    double[] doubles = new double[2000];
    long[] longs = new long[2000];
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = switch (i % 8) {
        case 0 -> Double.NaN;
        case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        case 2 -> -0.0;
        case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
        case 4 -> -random.nextDouble();
        default -> Double.longBitsToDouble(random.nextLong());
      };
      longs[i] = i == 0 ? Long.MIN_VALUE : i == 1 ? Long.MAX_VALUE : random.nextLong();
    }
    JsonLine line = new JsonLine();
    line.startArray();
    for (int i = 0; i < doubles.length; i++) {
      line.value(doubles[i]);
      line.value(longs[i]);
      line.value(i % 2 == 0);
      line.startObject();
      line.endObject();
    }
    line.endArray();
    assertThat(line.toString()).isEqualTo(generated(json -> {
      json.writeStartArray();
      for (int i = 0; i < doubles.length; i++) {
        json.writeNumber(doubles[i]);
        json.writeNumber(longs[i]);
        json.writeBoolean(i % 2 == 0);
        json.writeStartObject();
        json.writeEndObject();
      }
      json.writeEndArray();
    }));
  }

  @Test
  void reset_startsAnEmptyLine_andMillisAreExact() {
    JsonLine line = new JsonLine();
    line.value("old");
    line.reset();
    line.startArray();
    line.millis(355_679_839);
    line.millis(20_000_000);
    line.endArray();
    assertThat(line.toString()).isEqualTo("[355.679839,20.0]");
  }
}
