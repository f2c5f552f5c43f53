import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws a terminal capture with colours ({@code tmux capture-pane -p -e}) into a PNG: each
 * character in its cell, with the SGR colours and bold/faint it had on screen.
 * Usage: {@code java AnsiToPng.java capture.ansi out.png [columns]}.
 */
public final class AnsiToPng {
  private static final Color BG = new Color(0x1d, 0x1f, 0x21);
  private static final Color FG = new Color(0xd0, 0xd0, 0xd0);
  private static final Color[] PALETTE = {
    new Color(0x1d, 0x1f, 0x21), new Color(0xe0, 0x5a, 0x4f), new Color(0x8c, 0xc8, 0x5f),
    new Color(0xe8, 0xc2, 0x4e), new Color(0x5f, 0x9c, 0xe0), new Color(0xc0, 0x7a, 0xd6),
    new Color(0x56, 0xc5, 0xd0), new Color(0xd0, 0xd0, 0xd0),
    new Color(0x70, 0x70, 0x70), new Color(0xff, 0x7b, 0x72), new Color(0xa8, 0xe0, 0x7a),
    new Color(0xff, 0xe0, 0x6a), new Color(0x7f, 0xb8, 0xff), new Color(0xdc, 0x9a, 0xf0),
    new Color(0x7a, 0xe0, 0xe8), new Color(0xff, 0xff, 0xff)};

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    int columns = args.length > 2 ? Integer.parseInt(args[2]) : 120;
    Font plain = new Font(Font.MONOSPACED, Font.PLAIN, 13);
    Font bold = plain.deriveFont(Font.BOLD);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    FontMetrics fm = probe.createGraphics().getFontMetrics(plain);
    int cw = fm.charWidth('M');
    int ch = fm.getHeight();
    int pad = 10;
    BufferedImage img = new BufferedImage(columns * cw + 2 * pad, lines.size() * ch + 2 * pad,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(BG);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int row = 0; row < lines.size(); row++) {
      String line = lines.get(row);
      Color fg = FG;
      Color bg = null;
      boolean isBold = false;
      boolean faint = false;
      int col = 0;
      for (int i = 0; i < line.length(); ) {
        char c = line.charAt(i);
        if (c == 0x1b && i + 1 < line.length() && line.charAt(i + 1) == '[') {
          int end = i + 2;
          while (end < line.length() && !Character.isLetter(line.charAt(end))) {
            end++;
          }
          if (end < line.length() && line.charAt(end) == 'm') {
            String[] codes = line.substring(i + 2, end).split(";");
            for (int k = 0; k < codes.length; k++) {
              int n = codes[k].isEmpty() ? 0 : Integer.parseInt(codes[k]);
              if (n == 0) {
                fg = FG; bg = null; isBold = false; faint = false;
              } else if (n == 1) {
                isBold = true;
              } else if (n == 2) {
                faint = true;
              } else if (n == 22) {
                isBold = false; faint = false;
              } else if (n >= 30 && n <= 37) {
                fg = PALETTE[n - 30];
              } else if (n >= 90 && n <= 97) {
                fg = PALETTE[n - 90 + 8];
              } else if (n == 39) {
                fg = FG;
              } else if (n >= 40 && n <= 47) {
                bg = PALETTE[n - 40];
              } else if (n == 49) {
                bg = null;
              } else if ((n == 38 || n == 48) && k + 2 < codes.length && codes[k + 1].equals("5")) {
                int idx = Integer.parseInt(codes[k + 2]);
                Color color = idx < 16 ? PALETTE[idx] : FG;
                if (n == 38) {
                  fg = color;
                } else {
                  bg = color;
                }
                k += 2;
              }
            }
          }
          i = end + 1;
          continue;
        }
        int x = pad + col * cw;
        int y = pad + row * ch;
        if (bg != null) {
          g.setColor(bg);
          g.fillRect(x, y, cw, ch);
        }
        Color shown = isBold && fg == FG ? PALETTE[15] : fg;
        if (faint) {
          shown = new Color(shown.getRed() * 3 / 5, shown.getGreen() * 3 / 5,
              shown.getBlue() * 3 / 5);
        }
        g.setColor(shown);
        g.setFont(isBold ? bold : plain);
        g.drawString(String.valueOf(c), x, y + fm.getAscent());
        col++;
        i++;
      }
    }
    ImageIO.write(img, "png", Path.of(args[1]).toFile());
  }
}
