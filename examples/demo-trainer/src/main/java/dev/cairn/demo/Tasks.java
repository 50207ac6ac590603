package dev.cairn.demo;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic data shaped like the three geospatial tasks, generated from the seed. Each tile is
 * {@code SIZE x SIZE} pixels with {@code channels} features per pixel.
 *
 * <ul>
 *   <li>crop_classification: 4 dates x 3 bands of a growing season; 4 crop classes plus fallow,
 *       told apart by their phenology curves (green-up date and peak), in field-shaped regions.
 *   <li>landslide: 3 bands, slope and elevation; rare scars on steep slopes with bare, bright soil.
 *   <li>biomass: 4 bands; above-ground biomass (0-300 Mg/ha) in smooth stands, saturating the
 *       bands' response as real optical sensors do.
 * </ul>
 */
final class Tasks {
  static final List<String> NAMES = List.of("crop_classification", "landslide", "biomass");
  static final int SIZE = 32;

  /** One task's data set and what kind of output it needs. */
  static final class Data {
    final String task;
    final int channels;
    final int classes; // 1 for binary and regression outputs
    final boolean regression;
    final float[][] inputs; // [tile][channel * SIZE * SIZE]
    final float[][] targets; // [tile][SIZE * SIZE]: class index or value

    Data(String task, int channels, int classes, boolean regression, int tiles) {
      this.task = task;
      this.channels = channels;
      this.classes = classes;
      this.regression = regression;
      this.inputs = new float[tiles][channels * SIZE * SIZE];
      this.targets = new float[tiles][SIZE * SIZE];
    }

    /** The tiles at {@code tiles}, in that order: a split of this data set. */
    Data subset(int[] tiles) {
      Data d = new Data(task, channels, classes, regression, tiles.length);
      for (int i = 0; i < tiles.length; i++) {
        d.inputs[i] = inputs[tiles[i]];
        d.targets[i] = targets[tiles[i]];
      }
      return d;
    }

    float in(int tile, int c, int y, int x) {
      return inputs[tile][(c * SIZE + y) * SIZE + x];
    }
  }

  private Tasks() {}

  static Data generate(String task, long seed, int tiles) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + task.hashCode());
    return switch (task) {
      case "crop_classification" -> crops(r, tiles);
      case "landslide" -> landslides(r, tiles);
      case "biomass" -> biomass(r, tiles);
      default -> throw new IllegalArgumentException(task);
    };
  }

  private static Data crops(SplittableRandom r, int tiles) {
    int dates = 4;
    int bands = 3;
    int classes = 5;
    // per class, per date: (red, nir, swir) reflectance-like levels
    double[][][] curve = new double[classes][dates][bands];
    double[] greenUp = {0.0, 0.8, 1.6, 2.4, 9.0}; // fallow (4) never greens up
    for (int k = 0; k < classes; k++) {
      for (int t = 0; t < dates; t++) {
        double g = k == 4 ? 0.05 : Math.exp(-Math.pow(t - greenUp[k], 2) / 1.2);
        curve[k][t][0] = 0.35 - 0.25 * g; // red falls as canopy grows
        curve[k][t][1] = 0.25 + 0.55 * g; // nir rises
        curve[k][t][2] = 0.30 - 0.1 * g + 0.04 * k;
      }
    }
    Data d = new Data("crop_classification", dates * bands, classes, false, tiles);
    for (int tile = 0; tile < tiles; tile++) {
      int fields = 5 + r.nextInt(4);
      int[] fy = new int[fields];
      int[] fx = new int[fields];
      int[] fk = new int[fields];
      for (int f = 0; f < fields; f++) {
        fy[f] = r.nextInt(SIZE);
        fx[f] = r.nextInt(SIZE);
        fk[f] = r.nextInt(classes);
      }
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int best = 0;
          int bestD = Integer.MAX_VALUE;
          for (int f = 0; f < fields; f++) {
            int dist = (y - fy[f]) * (y - fy[f]) + (x - fx[f]) * (x - fx[f]);
            if (dist < bestD) {
              bestD = dist;
              best = f;
            }
          }
          int k = fk[best];
          d.targets[tile][y * SIZE + x] = k;
          for (int t = 0; t < dates; t++) {
            for (int b = 0; b < bands; b++) {
              int c = t * bands + b;
              d.inputs[tile][(c * SIZE + y) * SIZE + x] =
                  (float) (curve[k][t][b] + 0.12 * r.nextGaussian());
            }
          }
        }
      }
    }
    return d;
  }

  private static Data landslides(SplittableRandom r, int tiles) {
    Data d = new Data("landslide", 5, 1, false, tiles);
    for (int tile = 0; tile < tiles; tile++) {
      double ridge = r.nextDouble() * SIZE;
      double tilt = r.nextDouble() * 2 - 1;
      int scars = r.nextInt(3);
      double[][] scar = new double[scars][3];
      for (int s = 0; s < scars; s++) {
        scar[s] =
            new double[] {r.nextDouble() * SIZE, r.nextDouble() * SIZE, 2 + r.nextDouble() * 3};
      }
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          double elevation = Math.sin((x + tilt * y - ridge) / 6.0);
          double slope = Math.abs(Math.cos((x + tilt * y - ridge) / 6.0));
          boolean hit = false;
          for (double[] s : scar) {
            double dy = (y - s[0]) / s[2];
            double dx = (x - s[1]) / (s[2] * 0.6);
            hit |= dy * dy + dx * dx < 1 && slope > 0.25;
          }
          int i = y * SIZE + x;
          d.targets[tile][i] = hit ? 1 : 0;
          double soil = hit ? 1 : 0;
          float[] in = d.inputs[tile];
          in[(0 * SIZE + y) * SIZE + x] =
              (float) (0.2 + 0.25 * soil + 0.08 * r.nextGaussian()); // red
          in[(1 * SIZE + y) * SIZE + x] =
              (float) (0.55 - 0.3 * soil + 0.08 * r.nextGaussian()); // nir
          in[(2 * SIZE + y) * SIZE + x] =
              (float) (0.25 + 0.2 * soil + 0.08 * r.nextGaussian()); // swir
          in[(3 * SIZE + y) * SIZE + x] = (float) (slope + 0.05 * r.nextGaussian());
          in[(4 * SIZE + y) * SIZE + x] = (float) (elevation + 0.05 * r.nextGaussian());
        }
      }
    }
    return d;
  }

  private static Data biomass(SplittableRandom r, int tiles) {
    Data d = new Data("biomass", 4, 1, true, tiles);
    for (int tile = 0; tile < tiles; tile++) {
      int stands = 3 + r.nextInt(3);
      double[][] stand = new double[stands][4];
      for (int s = 0; s < stands; s++) {
        stand[s] =
            new double[] {
              r.nextDouble() * SIZE,
              r.nextDouble() * SIZE,
              4 + r.nextDouble() * 8,
              80 + r.nextDouble() * 220
            };
      }
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          double agb = 5;
          for (double[] s : stand) {
            double dist2 = ((y - s[0]) * (y - s[0]) + (x - s[1]) * (x - s[1])) / (s[2] * s[2]);
            agb += s[3] * Math.exp(-dist2);
          }
          agb = Math.min(agb, 300);
          double canopy = 1 - Math.exp(-agb / 90.0); // optical response saturates
          d.targets[tile][y * SIZE + x] = (float) (agb / 100.0);
          float[] in = d.inputs[tile];
          in[(0 * SIZE + y) * SIZE + x] = (float) (0.3 - 0.22 * canopy + 0.04 * r.nextGaussian());
          in[(1 * SIZE + y) * SIZE + x] = (float) (0.3 + 0.4 * canopy + 0.04 * r.nextGaussian());
          in[(2 * SIZE + y) * SIZE + x] = (float) (0.28 - 0.15 * canopy + 0.04 * r.nextGaussian());
          in[(3 * SIZE + y) * SIZE + x] = (float) (0.2 - 0.1 * canopy + 0.04 * r.nextGaussian());
        }
      }
    }
    return d;
  }
}
