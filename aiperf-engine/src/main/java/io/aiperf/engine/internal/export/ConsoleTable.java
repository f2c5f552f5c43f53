package io.aiperf.engine.internal.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table as AIPerf's console shows it: rich's default {@code Table} (HEAVY_HEAD box, one space of
 * padding, the title centred over it), laid out for a console of a given width as rich does
 * (rich/table.py {@code _calculate_column_widths}, {@code _collapse_widths}; rich/_ratio.py
 * {@code ratio_reduce}; rich/_wrap.py {@code divide_line}): a table too wide for the console has
 * its widest columns narrowed first, and their cells wrapped at word boundaries.
 */
final class ConsoleTable {
  private final String title;
  private final String[] headers;
  private final boolean[] rightAligned;
  private final List<String[]> rows = new ArrayList<>();

  ConsoleTable(String title, String[] headers, boolean[] rightAligned) {
    this.title = title;
    this.headers = headers;
    this.rightAligned = rightAligned;
  }

  void add(String[] row) {
    rows.add(row);
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /**
   * Renders the table, each line ending with a newline.
   *
   * @param consoleWidth the console's width in columns
   * @return the text
   */
  String render(int consoleWidth) {
    int columns = headers.length;
    // Widths with the padding, without the borders, as rich computes them.
    int[] widths = new int[columns];
    for (int c = 0; c < columns; c++) {
      widths[c] = longestLine(headers[c]);
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], longestLine(row[c]));
      }
      widths[c] += 2;
    }
    int maxWidth = consoleWidth - (columns + 1);
    if (sum(widths) > maxWidth) {
      widths = collapse(widths, maxWidth);
      if (sum(widths) > maxWidth) { // last resort: narrow every column alike
        int[] ones = new int[columns];
        Arrays.fill(ones, 1);
        widths = ratioReduce(sum(widths) - maxWidth, ones, widths, widths);
      }
    }
    int tableWidth = sum(widths) + columns + 1;
    StringBuilder sb = new StringBuilder();
    int left = Math.max(0, (tableWidth - title.length()) / 2);
    int right = Math.max(0, tableWidth - title.length() - left);
    sb.append(" ".repeat(left)).append(title).append(" ".repeat(right)).append('\n');
    sb.append(rule('┏', '━', '┳', '┓', widths));
    appendRow(sb, '┃', headers, widths);
    sb.append(rule('┡', '━', '╇', '┩', widths));
    for (String[] row : rows) {
      appendRow(sb, '│', row, widths);
    }
    sb.append(rule('└', '─', '┴', '┘', widths));
    return sb.toString();
  }

  private void appendRow(StringBuilder sb, char edge, String[] row, int[] widths) {
    List<List<String>> cells = new ArrayList<>();
    int height = 1;
    for (int c = 0; c < row.length; c++) {
      List<String> lines = wrap(row[c], widths[c] - 2, false);
      cells.add(lines);
      height = Math.max(height, lines.size());
    }
    for (int l = 0; l < height; l++) {
      sb.append(edge);
      for (int c = 0; c < row.length; c++) {
        List<String> lines = cells.get(c);
        String cell = l < lines.size() ? rstrip(lines.get(l)) : "";
        if (cell.length() > widths[c] - 2) { // rich's cells cut a word too long with an ellipsis
          cell = cell.substring(0, Math.max(0, widths[c] - 3)) + "…";
        }
        String fill = " ".repeat(Math.max(0, widths[c] - 2 - cell.length()));
        sb.append(' ').append(rightAligned[c] ? fill + cell : cell + fill).append(' ')
            .append(edge);
      }
      sb.append('\n');
    }
  }

  private static String rule(char left, char fill, char join, char right, int[] widths) {
    StringBuilder sb = new StringBuilder().append(left);
    for (int c = 0; c < widths.length; c++) {
      sb.append(String.valueOf(fill).repeat(widths[c]));
      sb.append(c == widths.length - 1 ? right : join);
    }
    return sb.append('\n').toString();
  }

  private static int longestLine(String text) {
    int longest = 0;
    for (String line : text.split("\n", -1)) {
      longest = Math.max(longest, line.length());
    }
    return longest;
  }

  private static int sum(int[] values) {
    int total = 0;
    for (int v : values) {
      total += v;
    }
    return total;
  }

  /** rich's {@code _collapse_widths}: narrows the widest columns to the next widest, in turn. */
  static int[] collapse(int[] widths, int maxWidth) {
    int[] out = widths.clone();
    int total = sum(out);
    int excess = total - maxWidth;
    while (total > 0 && excess > 0) {
      int max = 0;
      for (int w : out) {
        max = Math.max(max, w);
      }
      int second = 0;
      for (int w : out) {
        if (w != max) {
          second = Math.max(second, w);
        }
      }
      int difference = max - second;
      if (difference == 0) {
        break;
      }
      int[] ratios = new int[out.length];
      int[] maxReduce = new int[out.length];
      for (int c = 0; c < out.length; c++) {
        ratios[c] = out[c] == max ? 1 : 0;
        maxReduce[c] = Math.min(excess, difference);
      }
      out = ratioReduce(excess, ratios, maxReduce, out);
      total = sum(out);
      excess = total - maxWidth;
    }
    return out;
  }

  /** rich's {@code ratio_reduce}, with Python's round-half-even. */
  static int[] ratioReduce(int total, int[] ratios, int[] maximums, int[] values) {
    int[] r = new int[ratios.length];
    int totalRatio = 0;
    for (int i = 0; i < ratios.length; i++) {
      r[i] = maximums[i] != 0 ? ratios[i] : 0;
      totalRatio += r[i];
    }
    if (totalRatio == 0) {
      return values.clone();
    }
    int remaining = total;
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      if (r[i] != 0 && totalRatio > 0) {
        int distributed = (int) Math.min(maximums[i],
            Math.rint((double) r[i] * remaining / totalRatio));
        out[i] = values[i] - distributed;
        remaining -= distributed;
        totalRatio -= r[i];
      } else {
        out[i] = values[i];
      }
    }
    return out;
  }

  /**
   * Word-wraps text as rich does ({@code divide_line}): each line of the text on its own; a word
   * (with the spaces after it) goes on the next line when it does not fit; a word longer than the
   * width gets lines of its own, cut into pieces of the width when folding (printed text) or
   * whole (table cells, which then end it with an ellipsis). Lines keep their trailing spaces, as
   * rich prints them.
   *
   * @param text the text
   * @param width the width in columns
   * @param fold whether to cut a word longer than the width
   * @return the lines
   */
  static List<String> wrap(String text, int width, boolean fold) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (width < 1) {
        out.add(line);
        continue;
      }
      List<Integer> breaks = new ArrayList<>();
      int offset = 0;
      int pos = 0;
      while (pos < line.length()) {
        int start = pos;
        while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
          pos++;
        }
        int wordEnd = pos;
        while (wordEnd < line.length() && !Character.isWhitespace(line.charAt(wordEnd))) {
          wordEnd++;
        }
        if (wordEnd == pos) {
          break; // only spaces left: they stay on the line
        }
        int end = wordEnd;
        while (end < line.length() && Character.isWhitespace(line.charAt(end))) {
          end++;
        }
        int wordLength = wordEnd - start; // the word without its trailing spaces
        if (width - offset >= wordLength) {
          offset += end - start;
        } else if (wordLength > width && !fold) {
          if (start > 0) {
            breaks.add(start);
          }
          offset = end - start;
        } else if (wordLength > width) {
          // Fold the word (with its spaces) into chunks of the width.
          int chunkStart = start;
          while (end - chunkStart > width) {
            if (chunkStart > 0) {
              breaks.add(chunkStart);
            }
            chunkStart += width;
          }
          if (chunkStart > 0) {
            breaks.add(chunkStart);
          }
          offset = end - chunkStart;
        } else if (offset > 0 && start > 0) {
          breaks.add(start);
          offset = end - start;
        }
        pos = end;
      }
      breaks.add(line.length());
      int from = 0;
      for (int b : breaks) {
        String part = line.substring(from, b);
        // rich's rstrip_end: spaces past the width go, the others stay.
        out.add(part.length() > width ? part.substring(0, Math.max(width, rstrip(part).length()))
            : part);
        from = b;
      }
    }
    return out;
  }

  private static String rstrip(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
