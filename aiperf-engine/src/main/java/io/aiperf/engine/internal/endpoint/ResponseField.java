package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code response_field} of the {@code raw} and {@code template} endpoints: AIPerf compiles it
 * as a JMESPath expression; aiperf-java takes the part of JMESPath such a field is written in, a
 * path of names and indexes ({@code choices[0].message.content}, {@code data[-1].embedding},
 * {@code "generated-text"}). Anything else JMESPath has (wildcards, slices, filters, pipes,
 * functions, multi-selects) is refused when the endpoint is created, naming the expression and
 * the construct, rather than silently reading nothing.
 */
final class ResponseField {
  private static final String SUPPORTED = "aiperf-java reads paths of names and [index]es, such"
      + " as choices[0].message.content";

  /** One step: a field name, or an array index (negative counts from the end). */
  private sealed interface Step permits Name, Index {}

  private record Name(String name) implements Step {}

  private record Index(int index) implements Step {}

  private final String expression;
  private final List<Step> steps;

  private ResponseField(String expression, List<Step> steps) {
    this.expression = expression;
    this.steps = List.copyOf(steps);
  }

  String expression() {
    return expression;
  }

  /**
   * Parses a field.
   *
   * @throws IllegalArgumentException naming the expression, the construct and what is supported
   */
  static ResponseField parse(String expression) {
    List<Step> steps = new ArrayList<>();
    String s = expression.strip();
    int i = 0;
    boolean needStep = true; // at the start and after a dot a name (or index) must follow
    if (s.isEmpty()) {
      throw refuse(expression, "it is empty");
    }
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++; // JMESPath allows blanks between tokens
      } else if (c == '.') {
        if (needStep) {
          throw refuse(expression, "a '.' at column " + (i + 1) + " follows no name");
        }
        needStep = true;
        i++;
      } else if (c == '[') {
        if (needStep && !steps.isEmpty()) {
          throw refuse(expression, "'.[' at column " + i + " is not a path step");
        }
        int close = s.indexOf(']', i);
        String inside = close < 0 ? s.substring(i + 1) : s.substring(i + 1, close);
        if (close < 0) {
          throw refuse(expression, "the '[' at column " + (i + 1) + " is not closed");
        }
        if (!inside.matches("-?\\d{1,9}")) {
          throw refuse(expression, "'[" + inside + "]' is " + construct(inside));
        }
        steps.add(new Index(Integer.parseInt(inside)));
        needStep = false;
        i = close + 1;
      } else if (c == '"') {
        if (!needStep) {
          throw refuse(expression, "the name at column " + (i + 1) + " needs a '.' before it");
        }
        StringBuilder name = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != '"') {
          if (s.charAt(j) == '\\' && j + 1 < s.length()) {
            j++;
          }
          name.append(s.charAt(j));
          j++;
        }
        if (j >= s.length()) {
          throw refuse(expression, "the quoted name at column " + (i + 1) + " is not closed");
        }
        steps.add(new Name(name.toString()));
        needStep = false;
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_') {
        if (!needStep) {
          throw refuse(expression, "the name at column " + (i + 1) + " needs a '.' before it");
        }
        int j = i;
        while (j < s.length()
            && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        if (j < s.length() && s.charAt(j) == '(') {
          throw refuse(expression, "'" + s.substring(i, j) + "(...)' is a JMESPath function");
        }
        steps.add(new Name(s.substring(i, j)));
        needStep = false;
        i = j;
      } else if (Character.isDigit(c) && needStep && !steps.isEmpty()) {
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
          j++;
        }
        String n = s.substring(i, j);
        throw refuse(expression, "'." + n + "' is no JMESPath index (AIPerf's JMESPath rejects it"
            + " too); write [" + n + "]");
      } else {
        throw refuse(expression, "'" + s.substring(i) + "' at column " + (i + 1) + " is "
            + construct(String.valueOf(c)));
      }
    }
    if (needStep) {
      throw refuse(expression, "it ends with a '.'");
    }
    return new ResponseField(expression, steps);
  }

  private static String construct(String at) {
    String t = at.strip();
    if (t.equals("*") || t.startsWith("*")) {
      return "a JMESPath wildcard projection";
    }
    if (t.isEmpty()) {
      return "a JMESPath flatten projection";
    }
    if (t.startsWith("?")) {
      return "a JMESPath filter";
    }
    if (t.contains(":")) {
      return "a JMESPath slice";
    }
    if (t.startsWith("|")) {
      return "a JMESPath pipe";
    }
    if (t.startsWith("{") || t.contains(",")) {
      return "a JMESPath multi-select";
    }
    if (t.startsWith("`") || t.startsWith("'")) {
      return "a JMESPath literal";
    }
    if (t.startsWith("@") || t.startsWith("&")) {
      return "a JMESPath current-node or expression reference";
    }
    if (t.startsWith("=") || t.startsWith("!") || t.startsWith("<") || t.startsWith(">")) {
      return "a JMESPath comparison";
    }
    return "not part of a path";
  }

  private static IllegalArgumentException refuse(String expression, String why) {
    return new IllegalArgumentException(String.format(Locale.ROOT,
        "response_field was '%s' but %s; %s", expression, why, SUPPORTED));
  }

  /**
   * Follows the path, as JMESPath does: a name on something other than an object, or an index
   * outside an array, gives nothing.
   *
   * @return the value, or a missing node
   */
  JsonNode find(JsonNode root) {
    JsonNode value = root;
    for (Step step : steps) {
      if (step instanceof Index index) {
        if (!value.isArray()) {
          return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        int at = index.index() < 0 ? value.size() + index.index() : index.index();
        value = value.path(at);
      } else {
        if (!value.isObject()) {
          return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        value = value.path(((Name) step).name());
      }
    }
    return value;
  }
}
