package io.aiperf.zmq.internal;

import io.aiperf.api.spi.BusMessage;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides which message classes may cross processes: records whose components are, recursively,
 * plain values (primitives, boxes, strings, enums, arrays, lists, sets, maps, java.time values,
 * Optional and other such records). Nothing polymorphic is allowed, so the decoder never has to
 * pick a class from the wire beyond the top-level record, which it checks here first.
 */
final class WireTypes {
  private static final ClassValue<String> REASONS = new ClassValue<>() {
    @Override
    protected @Nullable String computeValue(Class<?> type) { // null: the class can cross
      return check(type, type.getName(), new HashSet<>());
    }
  };

  private WireTypes() {}

  /**
   * Returns why a message class cannot be encoded, or null when it can.
   *
   * @param type the message class
   * @return the reason, or null
   */
  static @Nullable String whyNot(Class<?> type) {
    if (!BusMessage.class.isAssignableFrom(type)) {
      return type.getName() + " does not implement BusMessage";
    }
    return REASONS.get(type);
  }

  private static @Nullable String check(Class<?> type, String path, Set<Class<?>> seen) {
    if (!type.isRecord()) {
      return path + " is a " + type.getName() + ", not a record";
    }
    if (!seen.add(type)) {
      return null; // recursive records are fine; Jackson writes them as trees
    }
    for (RecordComponent c : type.getRecordComponents()) {
      String why = checkType(c.getGenericType(), path + "." + c.getName(), seen);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private static @Nullable String checkType(Type t, String path, Set<Class<?>> seen) {
    if (t instanceof Class<?> c) {
      if (c.isPrimitive() || c == String.class || c.isEnum() || c == Boolean.class
          || Number.class.isAssignableFrom(c) && c.getName().startsWith("java.lang.")
          || c == Character.class
          || TemporalAccessor.class.isAssignableFrom(c) && c.getName().startsWith("java.time.")
          || c == java.time.Duration.class || c == java.time.Period.class) {
        return null;
      }
      if (c.isArray()) {
        return checkType(c.getComponentType(), path + "[]", seen);
      }
      if (c.isRecord() && !Modifier.isAbstract(c.getModifiers())) {
        return check(c, path, seen);
      }
      if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)
          || c == Optional.class) {
        return path + " is a raw " + c.getSimpleName() + "; give its element type";
      }
      return path + " is a " + c.getName() + ", which is neither a record nor a plain value";
    }
    if (t instanceof GenericArrayType g) {
      return checkType(g.getGenericComponentType(), path + "[]", seen);
    }
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class || raw == Set.class || raw == Collection.class
          || raw == Optional.class) {
        return checkType(args[0], path + "<>", seen);
      }
      if (raw == Map.class) {
        if (args[0] != String.class && !(args[0] instanceof Class<?> k && k.isEnum())) {
          return path + " is a Map whose keys are not strings or enums";
        }
        return checkType(args[1], path + "{}", seen);
      }
      return path + " is a " + raw.getName() + ", which is not a List, Set, Map or Optional";
    }
    if (t instanceof WildcardType w && w.getLowerBounds().length == 0
        && w.getUpperBounds().length == 1) {
      return checkType(w.getUpperBounds()[0], path, seen);
    }
    return path + " has the type " + t.getTypeName() + ", which cannot be encoded";
  }

  /** The names a subscriber may use for a message class: it and its BusMessage supertypes. */
  static final ClassValue<List<String>> TYPE_NAMES = new ClassValue<>() {
    @Override
    protected List<String> computeValue(Class<?> type) {
      List<String> names = new ArrayList<>();
      collect(type, names);
      return List.copyOf(names);
    }

    private void collect(Class<?> t, List<String> names) {
      if (t == null || !BusMessage.class.isAssignableFrom(t) || names.contains(t.getName())) {
        return;
      }
      names.add(t.getName());
      collect(t.getSuperclass(), names);
      for (Class<?> i : t.getInterfaces()) {
        collect(i, names);
      }
    }
  };
}
