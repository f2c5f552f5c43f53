package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists and scalars as AIPerf's JSON files are written (orjson, 2-space indent):
 * {@code "key": value}, {@code []} and {@code {}} when empty, raw UTF-8, AIPerf's float format and
 * no trailing newline. Jackson's pretty printer differs in each of these, and consumers diff files.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder(8192);

  static String write(Object value) {
    JsonWriter w = new JsonWriter();
    w.value(value, 0);
    return w.out.toString();
  }

  private void value(Object v, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
    } else if (v instanceof Boolean b) {
      out.append(b);
    } else if (v instanceof Double d) {
      out.append(ExportSupport.jsonNumber(d));
    } else if (v instanceof Float f) {
      out.append(ExportSupport.jsonNumber(f));
    } else if (v instanceof Number n) {
      out.append(n.longValue());
    } else if (v instanceof Map<?, ?> m) {
      map(m, depth);
    } else if (v instanceof List<?> l) {
      list(l, depth);
    } else {
      throw new IllegalArgumentException("Cannot write " + v.getClass() + " as JSON");
    }
  }

  private void map(Map<?, ?> m, int depth) {
    if (m.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getValue() == null) {
        continue; // AIPerf never writes nulls
      }
      out.append(first ? "\n" : ",\n");
      first = false;
      indent(depth + 1);
      value(String.valueOf(e.getKey()), depth + 1);
      out.append(": ");
      value(e.getValue(), depth + 1);
    }
    out.append('\n');
    indent(depth);
    out.append('}');
  }

  private void list(List<?> l, int depth) {
    if (l.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    for (int i = 0; i < l.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n");
      indent(depth + 1);
      value(l.get(i), depth + 1);
    }
    out.append('\n');
    indent(depth);
    out.append(']');
  }

  private void indent(int depth) {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
  }
}
