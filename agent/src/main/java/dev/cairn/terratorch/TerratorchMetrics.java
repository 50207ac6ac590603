package dev.cairn.terratorch;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.CsvTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The metric names TerraTorch's tasks log in each supported version, with the names one version
 * renamed known as aliases of the other's: read from the data file {@code
 * examples/terratorch/metrics.csv}. Cairn compares and records the 1.1 name (the 1.0 name where 1.1
 * has no counterpart).
 */
public final class TerratorchMetrics {
  public static final String SOURCE = "examples/terratorch/metrics.csv";

  /**
   * The TerraTorch versions Cairn knows, oldest first: {@code 1.0} (1.0.2), {@code 1.1.0} (tag
   * v1.1), {@code 1.1} (tag v1.1.1, the newest 1.1) and {@code 1.2} (the 1.2 line).
   */
  public static final List<String> VERSIONS = List.of("1.0", "1.1.0", "1.1", "1.2");

  public static final String DEFAULT_VERSION = "1.1";
  private static final List<String> PREFIXES = List.of("train/", "val/", "test/");

  /** Per-class values TerraTorch 1.1 logs for a segmentation task, named after the class. */
  private static final Pattern PER_CLASS = Pattern.compile("(IoU|Class_Accuracy)_[A-Za-z0-9_.-]+");

  private final List<Metric> metrics;

  /**
   * One quantity a task logs: its name in 1.1 and 1.0 (null where that version lacks it), and the
   * first version from which on the 1.1 name is logged ({@code 1.1.0} unless the file says).
   */
  record Metric(
      String kind,
      @Nullable String v11,
      @Nullable String v10,
      boolean higherIsBetter,
      String since) {
    Metric {
      if (v11 == null && v10 == null) {
        throw new IllegalArgumentException(
            "a " + kind + " metric has neither a v1.1 nor a v1.0 name; give it at least one");
      }
    }

    String canonical() {
      if (v11 != null) {
        return v11;
      }
      return Objects.requireNonNull(v10, "checked when built");
    }

    @Nullable String in(String version) {
      if ("1.0".equals(version)) {
        return v10;
      }
      return VERSIONS.indexOf(version) >= VERSIONS.indexOf(since) ? v11 : null;
    }
  }

  private TerratorchMetrics(List<Metric> metrics) {
    this.metrics = metrics;
  }

  public static TerratorchMetrics bundled() {
    return Holder.BUNDLED;
  }

  /** The bundled names, read once, when first asked for. */
  private static final class Holder {
    static final TerratorchMetrics BUNDLED = read();

    private static TerratorchMetrics read() {
      try {
        return parse(Files.readString(Bundled.path(SOURCE), StandardCharsets.UTF_8), SOURCE);
      } catch (IOException e) {
        throw new CairnException(
            "cannot read TerraTorch's metric names " + SOURCE + ": " + e.getMessage());
      }
    }
  }

  static TerratorchMetrics parse(String text, String origin) {
    List<Metric> list = new ArrayList<>();
    for (Map<String, String> row : CsvTable.parse(text, origin)) {
      list.add(
          new Metric(
              cell(row, "kind", origin),
              emptyToNull(row.get("v1.1")),
              emptyToNull(row.get("v1.0")),
              Boolean.parseBoolean(row.get("higher")),
              since(row.getOrDefault("since", ""), origin)));
    }
    return new TerratorchMetrics(List.copyOf(list));
  }

  /** The kinds of task whose metrics are known ({@code segmentation}, {@code regression}). */
  public List<String> kinds() {
    return metrics.stream().map(Metric::kind).distinct().toList();
  }

  /**
   * The name Cairn uses for a metric a task of that kind logs, such as {@code test/mIoU} for {@code
   * test/Multiclass_Jaccard_Index}; null when TerraTorch logs no such metric for that kind.
   */
  public @Nullable String canonical(String kind, String name) {
    String prefix = prefix(name);
    if (prefix == null) {
      return null;
    }
    String bare = name.substring(prefix.length());
    for (Metric m : metrics) {
      if (m.kind().equals(kind) && (bare.equals(m.v11()) || bare.equals(m.v10()))) {
        return prefix + m.canonical();
      }
    }
    if ("segmentation".equals(kind) && PER_CLASS.matcher(bare).matches()) {
      return name;
    }
    return null;
  }

  /** The 1.1 name of a metric logged under any kind, or the name itself: for collected metrics. */
  public String canonical(String name) {
    for (String kind : kinds()) {
      String c = canonical(kind, name);
      if (c != null) {
        return c;
      }
    }
    return name;
  }

  /** The name that version logs for a canonical name, or null when that version does not log it. */
  public @Nullable String inVersion(String kind, String canonicalName, String version) {
    String prefix = prefix(canonicalName);
    if (prefix == null) {
      return null;
    }
    String bare = canonicalName.substring(prefix.length());
    for (Metric m : metrics) {
      if (m.kind().equals(kind) && bare.equals(m.canonical())) {
        String v = m.in(version);
        return v == null ? null : prefix + v;
      }
    }
    return !"1.0".equals(version) && PER_CLASS.matcher(bare).matches() ? canonicalName : null;
  }

  /** Whether a larger value of the (canonical) metric is better; true for unknown names. */
  public boolean higherIsBetter(String kind, String canonicalName) {
    String prefix = prefix(canonicalName);
    String bare = prefix == null ? canonicalName : canonicalName.substring(prefix.length());
    for (Metric m : metrics) {
      if (m.kind().equals(kind) && bare.equals(m.canonical())) {
        return m.higherIsBetter();
      }
    }
    return true;
  }

  /** Every name a task of that kind logs under a prefix, in either version, for messages. */
  public List<String> names(String kind, String prefix) {
    List<String> result = new ArrayList<>();
    for (Metric m : metrics) {
      if (m.kind().equals(kind)) {
        for (String n : new String[] {m.v11(), m.v10()}) {
          if (n != null && !result.contains(prefix + n)) {
            result.add(prefix + n);
          }
        }
      }
    }
    if ("segmentation".equals(kind)) {
      result.add(prefix + "IoU_<class>");
    }
    return result;
  }

  /** Collected metrics under Cairn's names: 1.0 names become their 1.1 aliases. */
  public Map<String, Double> canonicalize(Map<String, Double> collected) {
    Map<String, Double> result = new LinkedHashMap<>();
    collected.forEach((k, v) -> result.putIfAbsent(canonical(k), v));
    return result;
  }

  private static @Nullable String prefix(String name) {
    return PREFIXES.stream().filter(name::startsWith).findFirst().orElse(null);
  }

  private static String cell(Map<String, String> row, String column, String origin) {
    String value = row.get(column);
    if (value == null) {
      throw new IllegalArgumentException(origin + " has no column '" + column + "'; add it");
    }
    return value;
  }

  private static String since(String cell, String origin) {
    String s = cell.isBlank() ? "1.1.0" : cell.strip();
    if (!VERSIONS.contains(s)) {
      throw new IllegalArgumentException(
          origin + ": since=" + s + " is not a version; use one of " + String.join(", ", VERSIONS));
    }
    return s;
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
