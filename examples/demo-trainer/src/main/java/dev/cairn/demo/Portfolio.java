package dev.cairn.demo;

import java.util.Map;

/**
 * The demo's stand-ins for the model catalogue's backbones: a bigger backbone gets a wider hidden
 * layer and, from 600M, a 5x5 rather than 3x3 neighbourhood, so it learns more per epoch, takes
 * longer per epoch and holds more memory (a fixed ballast per size, touched once), all of it
 * deterministic. An unknown name trains as the 300M.
 *
 * @param hidden units of the hidden layer
 * @param radius of the pixel neighbourhood the model sees (1: 3x3, 2: 5x5)
 * @param ballastMb memory held while it trains, standing for the backbone's weights
 * @param noise how blurred the backbone's view of the data is: Gaussian noise, in standard
 *     deviations of each band, fixed per pixel; a bigger backbone's pretrained features see more
 */
record Portfolio(String name, int hidden, int radius, int ballastMb, double noise) {
  static final String DEFAULT = "prithvi_eo_v2_300";

  private static final Map<String, Portfolio> BACKBONES =
      Map.of(
          "prithvi_eo_v2_tiny_tl", new Portfolio("prithvi_eo_v2_tiny_tl", 8, 1, 16, 1.6),
          "prithvi_eo_v1_100", new Portfolio("prithvi_eo_v1_100", 12, 1, 32, 1.2),
          "prithvi_eo_v2_100_tl", new Portfolio("prithvi_eo_v2_100_tl", 12, 1, 32, 1.2),
          "prithvi_eo_v2_300", new Portfolio("prithvi_eo_v2_300", 24, 1, 64, 0.8),
          "prithvi_eo_v2_300_tl", new Portfolio("prithvi_eo_v2_300_tl", 24, 1, 64, 0.8),
          "prithvi_eo_v2_600", new Portfolio("prithvi_eo_v2_600", 32, 2, 128, 0.2),
          "prithvi_eo_v2_600_tl", new Portfolio("prithvi_eo_v2_600_tl", 32, 2, 128, 0.2));

  static Portfolio of(String name) {
    Portfolio p = BACKBONES.get(name == null || name.isBlank() ? DEFAULT : name);
    return p != null ? p : new Portfolio(name, 24, 1, 64, 0.8);
  }

  /** Pixels of the neighbourhood: 9 or 25. */
  int window() {
    return (2 * radius + 1) * (2 * radius + 1);
  }

  /** Allocates and touches the ballast, page by page, so that it counts in the resident set. */
  int[] ballast() {
    int[] b = new int[ballastMb * 256 * 1024];
    for (int i = 0; i < b.length; i += 1024) {
      b[i] = i;
    }
    return b;
  }
}
