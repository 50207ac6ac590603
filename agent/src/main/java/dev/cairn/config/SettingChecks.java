package dev.cairn.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Checks of one agent setting that record a problem instead of throwing. */
public final class SettingChecks {
  private SettingChecks() {}

  /**
   * The value of a key that has a default, so is always set; a key with none is a programming
   * error, reported by name.
   */
  static String value(Map<String, String> v, String key) {
    String value = v.get(key);
    if (value == null) {
      throw new IllegalStateException(key + " has no value and no default");
    }
    return value;
  }

  static Duration seconds(
      String key, Map<String, String> v, long min, long max, List<String> problems) {
    return Duration.ofSeconds(integer(key, v, min, max, problems));
  }

  public static long integer(
      String key, Map<String, String> v, long min, long max, List<String> problems) {
    try {
      return Long.parseLong(Checks.integer(min, max).apply(v.get(key)));
    } catch (IllegalArgumentException e) {
      problems.add(key + "='" + v.get(key) + "' is not allowed: " + e.getMessage());
      return min;
    }
  }

  static void oneOf(String key, Map<String, String> v, List<String> problems, String... choices) {
    try {
      v.put(key, Checks.oneOf(choices).apply(v.get(key)));
    } catch (IllegalArgumentException e) {
      problems.add(key + "='" + v.get(key) + "' is not allowed: " + e.getMessage());
    }
  }
}
