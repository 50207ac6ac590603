package dev.cairn.config;

import dev.cairn.MemorySize;
import dev.cairn.Spelling;
import dev.cairn.terratorch.TerratorchMetrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Value checks shared by the config schemas; each returns the canonical value or throws. */
final class Checks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern TIME =
      Pattern.compile("(?:(\\d{1,3})-)?(\\d{1,3}):(\\d{2})(?::(\\d{2}))?|(\\d{1,9})");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_./@:+=,~-]+");

  private Checks() {}

  static Function<String, String> integer(long min, long max) {
    return v -> {
      try {
        long n = Long.parseLong(v.strip());
        if (n >= min && n <= max) {
          return Long.toString(n);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("use a whole number from " + min + " to " + max);
    };
  }

  static Function<String, String> decimal(String min, String max) {
    BigDecimal lo = new BigDecimal(min);
    BigDecimal hi = new BigDecimal(max);
    return v -> {
      try {
        BigDecimal d = new BigDecimal(v.strip());
        if (d.compareTo(lo) > 0 && d.compareTo(hi) <= 0) {
          return v.strip();
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "use a number greater than " + min + " and at most " + max + " (such as 1e-4)");
    };
  }

  static Function<String, String> oneOf(String... choices) {
    Set<String> allowed = new LinkedHashSet<>(List.of(choices));
    return v -> {
      String s = v.strip();
      if (allowed.contains(s)) {
        return s;
      }
      // a choice that holds a comma (STAGES=train,evaluate) is quoted, so the list reads right
      boolean quote = allowed.stream().anyMatch(c -> c.contains(","));
      List<String> shown = allowed.stream().map(c -> quote ? "'" + c + "'" : c).toList();
      throw new IllegalArgumentException(
          "use one of " + String.join(", ", shown) + Spelling.hint(s, allowed));
    };
  }

  static Function<String, String> listOf(Set<String> choices) {
    return v -> {
      List<String> items = new ArrayList<>();
      for (String part : v.split(",")) {
        String s = part.strip();
        if (s.isEmpty()) {
          continue;
        }
        if (!choices.contains(s)) {
          throw new IllegalArgumentException(
              "'"
                  + s
                  + "' is not a task; use a comma-separated list of "
                  + String.join(", ", choices)
                  + Spelling.hint(s, choices));
        }
        if (!items.contains(s)) {
          items.add(s);
        }
      }
      if (items.isEmpty()) {
        throw new IllegalArgumentException("name at least one of " + String.join(", ", choices));
      }
      return String.join(",", items);
    };
  }

  /**
   * A comma-separated list of values each passing {@code one}, duplicates dropped, in the order
   * written: the canonical form joins the canonical values with {@code ,}.
   */
  static Function<String, String> sweep(Function<String, String> one) {
    return v -> {
      List<String> items = new ArrayList<>();
      for (String part : v.split(",", -1)) {
        if (part.isBlank()) {
          throw new IllegalArgumentException(
              "a list holds an empty value; write values separated by single commas");
        }
        String canonical = one.apply(part);
        if (!items.contains(canonical)) {
          items.add(canonical);
        }
      }
      return String.join(",", items);
    };
  }

  static Function<String, String> name(boolean optional) {
    return v -> {
      String s = v.strip();
      if ((optional && s.isEmpty()) || NAME.matcher(s).matches()) {
        return s;
      }
      throw new IllegalArgumentException(
          "use letters, digits, '.', '_' and '-' only (at most 64, starting with a letter or digit)"
              + (optional ? ", or leave it empty" : ""));
    };
  }

  static Function<String, String> path() {
    return v -> {
      String s = v.strip();
      if (PATH.matcher(s).matches() && !s.contains("..") && !s.startsWith("-")) {
        return s;
      }
      throw new IllegalArgumentException(
          "use a path of letters, digits and / . _ - @ : + = , ~ only, not starting with '-',"
              + " without '..'");
    };
  }

  /** SLURM's time forms ({@code minutes}, {@code HH:MM:SS}, {@code D-HH:MM:SS}) as seconds. */
  static Function<String, String> timeLimit() {
    return v -> {
      Duration d = parseTime(v.strip());
      if (d != null && !d.isZero() && d.compareTo(Duration.ofDays(30)) <= 0) {
        return Long.toString(d.toSeconds());
      }
      throw new IllegalArgumentException(
          "use HH:MM:SS, D-HH:MM:SS or minutes, between 1 minute and 30 days");
    };
  }

  static @Nullable Duration parseTime(String s) {
    Matcher m = TIME.matcher(s);
    if (!m.matches()) {
      return null;
    }
    if (m.group(5) != null) {
      return Duration.ofMinutes(Long.parseLong(m.group(5)));
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long hours = Long.parseLong(m.group(2));
    long minutes = Long.parseLong(m.group(3));
    long seconds = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    if (minutes > 59 || seconds > 59) {
      return null;
    }
    return Duration.ofDays(days).plusHours(hours).plusMinutes(minutes).plusSeconds(seconds);
  }

  /** {@code 8G}, {@code 512M}, {@code 16000} (MiB) as MiB. */
  static Function<String, String> memory() {
    return MemorySize::mib;
  }

  static Function<String, String> gate() {
    return v -> {
      QualityGate g = QualityGate.parse(v);
      if (g != null) {
        return g.toString();
      }
      throw new IllegalArgumentException(
          "use METRIC>=NUMBER (or >, <=, <), such as test/mIoU>=0.30");
    };
  }

  /**
   * A gate on a test metric TerraTorch logs for that kind of task ({@code segmentation}, {@code
   * regression}), in the direction that metric improves; the canonical value names the metric as
   * TerraTorch 1.1 does (1.0 names are aliases). An empty kind checks only the form.
   */
  static Function<String, String> gate(String kind, TerratorchMetrics metrics) {
    Function<String, String> form = gate();
    return v -> {
      QualityGate g = QualityGate.of(form.apply(v));
      if (kind == null || kind.isEmpty()) {
        return g.toString();
      }
      String canonical = metrics.canonical(kind, g.metric());
      if (canonical == null || !canonical.startsWith("test/")) {
        List<String> names = metrics.names(kind, "test/");
        String near = Spelling.closest(g.metric(), names);
        if (near == null) {
          // a name TerraTorch lengthened: test/F1 for test/F1_Score, test/R2 for test/R2_Score
          near =
              names.stream()
                  .filter(
                      n ->
                          n.toLowerCase(Locale.ROOT)
                              .startsWith(g.metric().toLowerCase(Locale.ROOT)))
                  .findFirst()
                  .orElse(null);
        }
        throw new IllegalArgumentException(
            g.metric()
                + " is not a test metric TerraTorch logs for a "
                + kind
                + " task; use one of "
                + String.join(", ", names)
                + (near == null ? "" : "; did you mean " + near + "?"));
      }
      boolean higher = metrics.higherIsBetter(kind, canonical);
      if (higher != g.operator().startsWith(">")) {
        String fixed = new QualityGate(canonical, higher ? ">=" : "<=", g.threshold()).toString();
        throw new IllegalArgumentException(
            canonical
                + " is better when "
                + (higher ? "higher" : "lower")
                + "; did you mean "
                + fixed
                + "?");
      }
      return new QualityGate(canonical, g.operator(), g.threshold()).toString();
    };
  }
}
