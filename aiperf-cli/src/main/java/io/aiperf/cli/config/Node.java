package io.aiperf.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A YAML value with the place it was written: a mapping, a sequence or a scalar. Mappings and
 * sequences are mutable so that sweeps and shorthand forms can be applied to a copy; every node
 * keeps the line of the text it came from, so a problem found after that still names it.
 */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.Scalar {
  /** The node's place in its file. */
  Mark mark();

  /** A deep copy; marks are shared, since they are immutable. */
  Node copy();

  /**
   * A place in a file, 1-based.
   *
   * @param line the line
   * @param column the column
   */
  record Mark(int line, int column) {
    /** The mark of values made up by the reader (defaults, shorthand expansions). */
    public static final Mark NONE = new Mark(0, 0);
  }

  /** A key of a mapping with the place the key was written. */
  record Key(String name, Mark mark) {}

  /** A mapping with string keys in file order. */
  final class MapNode implements Node {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Mark mark;

    /** One entry: the key as written, where, and the value. */
    public record Entry(Key key, Node value) {}

    public MapNode(Mark mark) {
      this.mark = mark;
    }

    @Override
    public Mark mark() {
      return mark;
    }

    public Map<String, Entry> entries() {
      return entries;
    }

    public @Nullable Node get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }

    public @Nullable Entry entry(String key) {
      return entries.get(key);
    }

    public boolean has(String key) {
      return entries.containsKey(key);
    }

    public void put(String key, Node value) {
      Entry old = entries.get(key);
      entries.put(key, new Entry(old != null ? old.key() : new Key(key, value.mark()), value));
    }

    public void put(Key key, Node value) {
      entries.put(key.name(), new Entry(key, value));
    }

    public @Nullable Entry remove(String key) {
      return entries.remove(key);
    }

    @Override
    public MapNode copy() {
      MapNode c = new MapNode(mark);
      entries.forEach((k, e) -> c.entries.put(k, new Entry(e.key(), e.value().copy())));
      return c;
    }
  }

  /** A sequence. */
  final class ListNode implements Node {
    private final List<Node> items = new ArrayList<>();
    private final Mark mark;

    public ListNode(Mark mark) {
      this.mark = mark;
    }

    @Override
    public Mark mark() {
      return mark;
    }

    public List<Node> items() {
      return items;
    }

    @Override
    public ListNode copy() {
      ListNode c = new ListNode(mark);
      items.forEach(i -> c.items.add(i.copy()));
      return c;
    }
  }

  /**
   * A scalar as YAML 1.1 types it (as PyYAML, hence AIPerf, reads it): a {@link Long} or
   * {@link java.math.BigInteger}, a {@link Double}, a {@link Boolean}, a {@link String}, or null.
   *
   * @param value the typed value
   * @param mark where it was written
   */
  record Scalar(@Nullable Object value, Mark mark) implements Node {
    @Override
    public Scalar copy() {
      return this;
    }

    /** The value as YAML text would show it, for messages. */
    public String text() {
      return value == null ? "null" : String.valueOf(value);
    }
  }

  /** A short name of a node's kind, for messages. */
  static String kind(Node n) {
    if (n instanceof MapNode) {
      return "a mapping";
    }
    if (n instanceof ListNode) {
      return "a list";
    }
    Object v = ((Scalar) n).value();
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Number) {
      return "a number";
    }
    return "a string";
  }
}
