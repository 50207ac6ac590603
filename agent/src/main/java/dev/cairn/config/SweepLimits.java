package dev.cairn.config;

import java.util.List;
import java.util.Map;

/**
 * What the site allows a sweep: at most {@code CAIRN_MAX_TRIALS} trials per run, and job arrays of
 * at most {@code CAIRN_MAX_ARRAY_SIZE} elements (0: ask the scheduler for its own limit).
 */
public record SweepLimits(int maxTrials, int maxArraySize) {
  public static final SweepLimits DEFAULT = new SweepLimits(256, 0);

  static SweepLimits read(Map<String, String> v, List<String> problems) {
    return new SweepLimits(
        (int) SettingChecks.integer("CAIRN_MAX_TRIALS", v, 1, 100_000, problems),
        (int) SettingChecks.integer("CAIRN_MAX_ARRAY_SIZE", v, 0, 10_000_000, problems));
  }
}
