package dev.cairn;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A memory size as the configs write it ({@code 512M}, {@code 16G}, {@code 16000}), in MiB. */
public final class MemorySize {
  private static final Pattern MEMORY = Pattern.compile("(\\d{1,12})\\s*([MmGgTt])?[Bb]?");

  private MemorySize() {}

  /**
   * A memory size ({@code 512M}, {@code 16G}) in MiB; throws when it is not one from 64M to 16T.
   */
  public static String mib(String v) {
    Matcher m = MEMORY.matcher(v.strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "M" : m.group(2).toUpperCase(Locale.ROOT);
      // at most 12 digits and a factor of 2^20: no long can wrap here
      long mb =
          switch (unit) {
            case "G" -> Math.multiplyExact(n, 1024L);
            case "T" -> Math.multiplyExact(n, 1024L * 1024);
            default -> n;
          };
      if (mb >= 64 && mb <= 16L * 1024 * 1024) {
        return Long.toString(mb);
      }
    }
    throw new IllegalArgumentException("use a size such as 512M or 16G, from 64M to 16T");
  }
}
