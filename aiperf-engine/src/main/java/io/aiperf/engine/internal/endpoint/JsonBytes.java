package io.aiperf.engine.internal.endpoint;

import org.jspecify.annotations.Nullable;

/**
 * A strict JSON reader over bytes as they are, for the few fields of a stream chunk: no parser to
 * build, no buffer to look up, no names to intern. A record processor reads every chunk of every
 * answer; most are the same few shapes, and this reads them at the speed of the bytes.
 *
 * <p>It only takes what it is sure of: JSON as RFC 8259 writes it (whitespace, literals, numbers,
 * escapes), well-formed UTF-8 (no overlong forms, no surrogates), names without escapes, nesting
 * and number lengths far below Jackson's limits, nothing after the root but whitespace. Whatever
 * else it meets it gives up with {@link OnePass.NeedsTree}, and the caller reads the bytes with
 * Jackson. So every body it accepts is one Jackson accepts too, and a string it returns is the one
 * Jackson decodes. Not thread-safe: one per body.
 */
final class JsonBytes {
  /** Nesting this reader follows; Jackson's default limit is far higher (1,000). */
  private static final int MAX_DEPTH = 64;
  /** Longer numbers, and exponents, are left to Jackson (its limit is 1,000 digits). */
  private static final int MAX_NUMBER_CHARS = 32;
  private static final int MAX_EXPONENT_DIGITS = 3;
  /** Longer names are left to Jackson (its limit is 50,000). */
  private static final int MAX_NAME_BYTES = 256;
  /** The digits of a count that always fits a long. */
  private static final int MAX_COUNT_DIGITS = 18;

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private final byte[] b;
  private final int end;
  private int pos;
  private int depth;
  private int nameStart;
  private int nameEnd;
  /** What {@link JsonStrings#check} found in the last string. */
  private int stringFlags;
  /**
   * Where the text read by {@link #contentText} lies, between its quotes, and its flags; -1 when
   * it was null or none was read. {@link ChunkReader} learns a stream's chunk shape from it.
   */
  private int contentStart = -1;
  private int contentStop = -1;
  private int contentFlags;
  /** Where the last string {@link #textOrNull} read starts, after its quote. */
  private int lastStringStart;

  /** Reads {@code b[offset, offset + length)}. */
  JsonBytes(byte[] b, int offset, int length) {
    this.b = b;
    this.pos = offset;
    this.end = offset + length;
  }

  /**
   * Tells whether the bytes, after JSON whitespace, start an object: the only bodies a reading
   * with this class can take.
   */
  static boolean startsObject(byte[] b, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte c = b[i];
      if (c == '{') {
        return true;
      }
      if (!isSpace(c)) {
        return false;
      }
    }
    return false;
  }

  /** Whether the next value is an object; positions on it. */
  boolean atObject() throws OnePass.NeedsTree {
    return peek() == '{';
  }

  /** Whether the next value is an array; positions on it. */
  boolean atArray() throws OnePass.NeedsTree {
    return peek() == '[';
  }

  /**
   * Reads the literal {@code null} if it is the next value.
   *
   * @return whether it was
   */
  boolean nullValue() throws OnePass.NeedsTree {
    if (peek() != 'n') {
      return false;
    }
    literal(NULL);
    return true;
  }

  /**
   * Enters the object that is the next value and reads its first name; the reader is then on
   * the field's value.
   *
   * @return false if the object is empty (and then read through its end)
   */
  boolean firstField() throws OnePass.NeedsTree {
    expect('{');
    enter();
    if (peek() == '}') {
      pos++;
      depth--;
      return false;
    }
    name();
    return true;
  }

  /**
   * After a field's value: reads the next name, the reader then on its value, or the object's
   * end.
   *
   * @return false at the object's end (read through)
   */
  boolean nextField() throws OnePass.NeedsTree {
    byte c = peek();
    if (c == '}') {
      pos++;
      depth--;
      return false;
    }
    if (c != ',') {
      throw new OnePass.NeedsTree();
    }
    pos++;
    name();
    return true;
  }

  /** Whether the field just read has this name (ASCII, as the bytes spell it). */
  boolean nameIs(byte[] name) {
    int n = nameEnd - nameStart;
    if (n != name.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[nameStart + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Enters the array that is the next value.
   *
   * @return false if it is empty (and then read through its end)
   */
  boolean firstElement() throws OnePass.NeedsTree {
    expect('[');
    enter();
    if (peek() == ']') {
      pos++;
      depth--;
      return false;
    }
    return true;
  }

  /**
   * After an element: moves to the next one, or reads the array's end.
   *
   * @return false at the array's end (read through)
   */
  boolean nextElement() throws OnePass.NeedsTree {
    byte c = peek();
    if (c == ']') {
      pos++;
      depth--;
      return false;
    }
    if (c != ',') {
      throw new OnePass.NeedsTree();
    }
    pos++;
    return true;
  }

  /**
   * Reads the next value, a string or null, as Jackson decodes it.
   *
   * @return the string, or null for {@code null}
   * @throws OnePass.NeedsTree for any other value
   */
  @Nullable String textOrNull() throws OnePass.NeedsTree {
    byte c = peek();
    if (c == 'n') {
      literal(NULL);
      return null;
    }
    if (c != '"') {
      throw new OnePass.NeedsTree();
    }
    int start = pos + 1;
    pos = string(start);
    lastStringStart = start;
    return JsonStrings.decode(b, start, pos - 1, stringFlags);
  }

  /**
   * Reads the next value as {@link #textOrNull} does, the text a response generated, and
   * remembers where its bytes lie.
   *
   * @return the string, or null for {@code null}
   * @throws OnePass.NeedsTree for any other value
   */
  @Nullable String contentText() throws OnePass.NeedsTree {
    contentStart = -1;
    contentStop = -1;
    String text = textOrNull();
    if (text != null) {
      contentStop = pos - 1;
      contentStart = lastStringStart;
      contentFlags = stringFlags;
    }
    return text;
  }

  /** Where the text read by {@link #contentText} starts, after its quote; -1 if none. */
  int contentStart() {
    return contentStart;
  }

  /** Where the text read by {@link #contentText} ends: the position of its closing quote. */
  int contentStop() {
    return contentStop;
  }

  /** What {@link JsonStrings#check} found in the text read by {@link #contentText}. */
  int contentFlags() {
    return contentFlags;
  }

  /**
   * Reads the next value, an integer of at most 18 digits.
   *
   * @throws OnePass.NeedsTree for any other value (a fraction, an exponent, a longer integer)
   */
  long count() throws OnePass.NeedsTree {
    peek();
    boolean negative = b[pos] == '-';
    int i = negative ? pos + 1 : pos;
    int digitsStart = i;
    long value = 0;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      value = value * 10 + (b[i] - '0');
      i++;
    }
    int digits = i - digitsStart;
    if (digits == 0 || digits > MAX_COUNT_DIGITS || (digits > 1 && b[digitsStart] == '0')
        || (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'))) {
      throw new OnePass.NeedsTree();
    }
    pos = i;
    return negative ? -value : value;
  }

  /** Reads the next value, whatever it is, checking it is JSON. */
  void skipValue() throws OnePass.NeedsTree {
    byte c = peek();
    switch (c) {
      case '"' -> pos = string(pos + 1);
      case '{' -> {
        for (boolean more = firstField(); more; more = nextField()) {
          skipValue();
        }
      }
      case '[' -> {
        for (boolean more = firstElement(); more; more = nextElement()) {
          skipValue();
        }
      }
      case 'n' -> literal(NULL);
      case 't' -> literal(TRUE);
      case 'f' -> literal(FALSE);
      default -> number();
    }
  }

  /** Checks that nothing but whitespace follows the root value. */
  void finish() throws OnePass.NeedsTree {
    while (pos < end && isSpace(b[pos])) {
      pos++;
    }
    if (pos != end) {
      throw new OnePass.NeedsTree();
    }
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** Skips whitespace; the byte the reader is then on. */
  private byte peek() throws OnePass.NeedsTree {
    int i = pos;
    while (i < end) {
      byte c = b[i];
      // Every JSON space is at most 0x20; compact JSON has none.
      if ((c & 0xff) > ' ' || !isSpace(c)) {
        pos = i;
        return c;
      }
      i++;
    }
    throw new OnePass.NeedsTree();
  }

  private void expect(char c) throws OnePass.NeedsTree {
    if (peek() != c) {
      throw new OnePass.NeedsTree();
    }
    pos++;
  }

  private void enter() throws OnePass.NeedsTree {
    if (++depth > MAX_DEPTH) {
      throw new OnePass.NeedsTree();
    }
  }

  /** Reads a name and its colon; names with escapes are left to Jackson. */
  private void name() throws OnePass.NeedsTree {
    expect('"');
    int start = pos;
    int stop = string(start) - 1;
    if ((stringFlags & JsonStrings.ESCAPED) != 0 || stop - start > MAX_NAME_BYTES) {
      throw new OnePass.NeedsTree();
    }
    pos = stop + 1;
    nameStart = start;
    nameEnd = stop;
    expect(':');
  }

  /** A literal, whole: the next byte must not go on with it, as Jackson checks too. */
  private void literal(byte[] word) throws OnePass.NeedsTree {
    if (end - pos < word.length) {
      throw new OnePass.NeedsTree();
    }
    for (int i = 0; i < word.length; i++) {
      if (b[pos + i] != word[i]) {
        throw new OnePass.NeedsTree();
      }
    }
    pos += word.length;
    // What follows is checked by the caller: a comma, a bracket, a brace or whitespace.
  }

  /** A number as JSON writes it: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
  private void number() throws OnePass.NeedsTree {
    int i = pos;
    if (i < end && b[i] == '-') {
      i++;
    }
    if (i < end && b[i] == '0') {
      i++;
    } else {
      int digits = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == digits) {
        throw new OnePass.NeedsTree();
      }
    }
    if (i < end && b[i] == '.') {
      int digits = ++i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == digits) {
        throw new OnePass.NeedsTree();
      }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int digits = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == digits || i - digits > MAX_EXPONENT_DIGITS) {
        throw new OnePass.NeedsTree();
      }
    }
    if (i - pos > MAX_NUMBER_CHARS) {
      throw new OnePass.NeedsTree();
    }
    pos = i;
  }

  /** Checks a string from after its opening quote; the position after its closing quote. */
  private int string(int from) throws OnePass.NeedsTree {
    long checked = JsonStrings.check(b, from, end);
    stringFlags = (int) (checked >>> 32);
    return (int) checked;
  }
}
