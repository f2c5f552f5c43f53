package io.aiperf.engine.internal.export;

/**
 * Writes a whole number of nanoseconds as milliseconds in decimal, exactly and without allocating:
 * {@code 355679839} becomes {@code 355.679839}. The per-request export writes dozens of such values
 * per record; Jackson's double writer allocated for each one (7 % of a streaming run's garbage), and
 * printed the binary product {@code ns * 1e-6}, whose last digits are noise
 * ({@code 355.67983899999996}). This text is the exact value, and reads back as the double nearest
 * to it.
 */
final class MillisDecimal {
  /** Beyond this many nanoseconds (11.5 days) the digits could outnumber a double's: not taken. */
  static final double MAX_NANOS = 1e15;
  /** Room for a sign, 16 digits, a point and a leading zero. */
  static final int MAX_CHARS = 20;

  private MillisDecimal() {}

  /** Whether {@link #format} takes the value: a whole number of nanoseconds in range. */
  static boolean fits(double nanos) {
    return nanos == Math.rint(nanos) && Math.abs(nanos) < MAX_NANOS;
  }

  /**
   * Writes {@code nanos / 10^6} as ASCII into {@code out} from {@code offset}, trailing zeros
   * dropped but one digit kept after the point ({@code 2.0}, as a double prints).
   *
   * @param nanos a value {@link #fits} accepts
   * @param out with at least {@link #MAX_CHARS} bytes from {@code offset}
   * @param offset where the text starts
   * @return the number of bytes written
   */
  static int format(double nanos, byte[] out, int offset) {
    long n = (long) nanos;
    int pos = offset;
    if (n < 0) {
      out[pos++] = '-';
      n = -n;
    }
    long whole = n / 1_000_000;
    int fraction = (int) (n % 1_000_000);
    // The whole part's digits, most significant first.
    int start = pos;
    do {
      out[pos++] = (byte) ('0' + whole % 10);
      whole /= 10;
    } while (whole > 0);
    reverse(out, start, pos - 1);
    out[pos++] = '.';
    int digits = 6;
    while (digits > 1 && fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    for (int i = pos + digits - 1; i >= pos; i--) {
      out[i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    return pos + digits - offset;
  }

  private static void reverse(byte[] a, int i, int j) {
    for (; i < j; i++, j--) {
      byte t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
