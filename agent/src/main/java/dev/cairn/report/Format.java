package dev.cairn.report;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How numbers read in the report: metrics to four places, changes signed, hours and durations. */
final class Format {
  private Format() {}

  static String metric(@Nullable Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String change(@Nullable Double diff, @Nullable Double relative) {
    if (diff == null) {
      return "-";
    }
    String d = String.format(Locale.ROOT, "%+.4f", diff);
    return relative == null ? d : d + String.format(Locale.ROOT, " (%+.1f %%)", relative * 100);
  }

  static String verdict(@Nullable Boolean better) {
    return better == null ? "same" : better ? "better" : "worse";
  }

  static String hours(@Nullable Double h) {
    return h == null ? "-" : String.format(Locale.ROOT, "%.4f", h);
  }

  static String duration(@Nullable Long seconds) {
    if (seconds == null) {
      return "-";
    }
    return seconds < 120
        ? seconds + " s"
        : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }

  /** An ISO-8601 instant to the second ({@code 2026-12-01T15:28:07Z}); as given when unparsable. */
  static String time(@Nullable String iso) {
    if (iso == null || iso.isEmpty()) {
      return "-";
    }
    try {
      return java.time.Instant.parse(iso)
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }

  static String shortSha(@Nullable String sha) {
    return sha == null ? "-" : sha.substring(0, Math.min(8, sha.length()));
  }

  static String orDash(@Nullable Object o) {
    return o == null || o.toString().isEmpty() ? "-" : o.toString();
  }
}
