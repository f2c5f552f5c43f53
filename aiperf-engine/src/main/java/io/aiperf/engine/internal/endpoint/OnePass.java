package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aiperf.api.spi.ParsedResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reading a response body or stream chunk in one pass of Jackson's streaming parser, without
 * building a tree: only the fields a result needs are decoded, the rest is skipped. A record
 * processor does this for every chunk of every answer.
 *
 * <p>Each endpoint's tree reading stays the definition of its results. A one-pass reading takes
 * the shapes servers send; whatever it does not take as is (an error report, a repeated field, a
 * number where text belongs, bytes that are not JSON) it gives up with {@link NeedsTree}, and the
 * endpoint reads the body again as a tree, so results, errors and their messages are the tree's
 * for every input.
 */
final class OnePass {
  private OnePass() {}

  /** Given up by a one-pass reading: only the tree reading defines this body's result. */
  static final class NeedsTree extends Exception {
    private static final long serialVersionUID = 1L;

    NeedsTree() {
      // Control flow on a rare path: no message, no stack trace.
      super(null, null, false, false);
    }
  }

  /** A one-pass reading of a body, from the parser before its first token. */
  @FunctionalInterface
  interface Reading {
    /**
     * Reads the body.
     *
     * @return the result, as the tree reading's (null where it returns null)
     */
    @Nullable ParsedResponse read(JsonParser p) throws IOException, NeedsTree;
  }

  /**
   * Reads a body in one pass.
   *
   * @return the result
   * @throws NeedsTree if only the tree reading defines it, also for any bytes that are not JSON
   */
  static @Nullable ParsedResponse read(byte[] data, int offset, int length, Reading reading)
      throws NeedsTree {
    if (length > Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength()) {
      // Only a body this long can hold a string longer than Jackson allows: the tree checks the
      // strings a one-pass reading skips too.
      throw new NeedsTree();
    }
    try (JsonParser p = Json.MAPPER.getFactory().createParser(data, offset, length)) {
      return reading.read(p);
    } catch (IOException notJson) {
      // The tree reading throws what a user sees for it.
      throw new NeedsTree();
    }
  }

  /**
   * Reads an object's next field name; the parser is then on the field's value.
   *
   * @return the name, or null at the object's end
   */
  static @Nullable String nextField(JsonParser p) throws IOException {
    String name = p.nextFieldName();
    if (name != null) {
      p.nextToken();
    }
    return name;
  }

  /**
   * Reads a field's value, the parser's current token, as {@code OpenAiEndpoint.text} reads its
   * node: a string is its text, null is null.
   *
   * @throws NeedsTree for any other value
   */
  static @Nullable String text(JsonParser p) throws IOException, NeedsTree {
    JsonToken value = p.currentToken();
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new NeedsTree();
  }

  /**
   * Reads a field's value, the parser's current token, as {@code Bodies.text} reads its node: a
   * string is its text; null, an object and an array are null (and skipped).
   *
   * @throws NeedsTree for a number or a boolean
   */
  static @Nullable String textOrNoText(JsonParser p) throws IOException, NeedsTree {
    JsonToken value = p.currentToken();
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return text(p);
  }

  /**
   * Reads an integer count, the parser's current token, as {@code JsonNode.asLong} reads an int
   * or long node.
   *
   * @throws NeedsTree for any other value
   */
  static long count(JsonParser p) throws IOException, NeedsTree {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw new NeedsTree();
    }
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw new NeedsTree();
    }
    return p.getLongValue();
  }

  /**
   * Marks a field seen; the tree keeps the last of repeated fields, a one-pass reading gives up.
   *
   * @return {@code seen} with the field's bit set
   * @throws NeedsTree if it was set already
   */
  static int once(int seen, int bit) throws NeedsTree {
    if ((seen & bit) != 0) {
      throw new NeedsTree();
    }
    return seen | bit;
  }
}
