package io.aiperf.engine.internal.export;

/** AIPerf-style JSON text (orjson's layout) for callers outside this package. */
public final class JsonText {
  private JsonText() {}

  /**
   * Writes maps, lists, strings, numbers and booleans as AIPerf's JSON files are written.
   *
   * @param value the document
   * @return the text
   */
  public static String write(Object value) {
    return JsonWriter.write(value);
  }
}
