package dev.cairn.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;

/**
 * Prediction plots: for a few test tiles, the input as an RGB composite, the ground truth and the
 * prediction side by side, classes in a fixed palette and biomass on a colour ramp.
 */
final class Plots {
  private static final int SCALE = 6;
  private static final int GAP = 6;
  private static final int TITLE = 16;
  private static final Color[] PALETTE = {
    new Color(0x1b9e77),
    new Color(0xd95f02),
    new Color(0x7570b3),
    new Color(0xe6ab02),
    new Color(0x8c6d31)
  };

  private Plots() {}

  static void write(
      Path dir, Tasks.Data data, BiFunction<Tasks.Data, Integer, float[]> predict, int count)
      throws IOException {
    Files.createDirectories(dir);
    int side = Tasks.SIZE * SCALE;
    for (int i = 0; i < Math.min(count, data.inputs.length); i++) {
      final int s = i;
      BufferedImage img =
          new BufferedImage(3 * side + 4 * GAP, side + 2 * GAP + TITLE, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      float[] pred = predict.apply(data, s);
      draw(img, GAP, GAP + TITLE, (y, x) -> rgb(data, s, y, x));
      draw(
          img,
          2 * GAP + side,
          GAP + TITLE,
          (y, x) -> colour(data, data.targets[s][y * Tasks.SIZE + x]));
      draw(img, 3 * GAP + 2 * side, GAP + TITLE, (y, x) -> colour(data, pred[y * Tasks.SIZE + x]));
      label(g, "input (RGB)", GAP, TITLE - 3);
      label(g, "ground truth", 2 * GAP + side, TITLE - 3);
      label(g, "prediction", 3 * GAP + 2 * side, TITLE - 3);
      g.dispose();
      ImageIO.write(img, "png", dir.resolve(String.format("sample_%02d.png", s)).toFile());
    }
  }

  private interface Pixel {
    int rgb(int y, int x);
  }

  private static void draw(BufferedImage img, int ox, int oy, Pixel pixel) {
    for (int y = 0; y < Tasks.SIZE; y++) {
      for (int x = 0; x < Tasks.SIZE; x++) {
        int c = pixel.rgb(y, x);
        for (int dy = 0; dy < SCALE; dy++) {
          for (int dx = 0; dx < SCALE; dx++) {
            img.setRGB(ox + x * SCALE + dx, oy + y * SCALE + dy, c);
          }
        }
      }
    }
  }

  /** Text needs fonts, which a bare machine may lack: the plot is drawn without them then. */
  private static void label(Graphics2D g, String text, int x, int y) {
    try {
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(text, x, y);
    } catch (RuntimeException | Error e) {
      // no font configuration: leave the label out
    }
  }

  /** A false-colour composite of the first three channels of the tile's last date. */
  private static int rgb(Tasks.Data data, int tile, int y, int x) {
    int base = data.task.equals("crop_classification") ? data.channels - 3 : 0;
    int r = clamp(data.in(tile, base + 1, y, x) * 300);
    int g = clamp(data.in(tile, base, y, x) * 500);
    int b = clamp(data.in(tile, base + 2, y, x) * 500);
    return (r << 16) | (g << 8) | b;
  }

  private static int colour(Tasks.Data data, float value) {
    if (data.regression) {
      return ramp(value / 3.0);
    }
    if (data.classes == 1) {
      return value > 0.5 ? 0xd7301f : 0x3b3b3b;
    }
    return PALETTE[Math.max(0, Math.min(PALETTE.length - 1, (int) value))].getRGB() & 0xffffff;
  }

  /** A viridis-like ramp from dark purple (0) to yellow (1). */
  private static int ramp(double t) {
    t = Math.max(0, Math.min(1, t));
    int r = clamp(68 + t * (253 - 68) * t);
    int g = clamp(1 + t * 230);
    int b = clamp(84 + Math.sin(t * Math.PI) * 80 - t * 50);
    return (r << 16) | (g << 8) | b;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, v));
  }
}
