package dev.cairn.results;

import dev.cairn.model.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The table {@code status} prints without an argument: active runs first, then recent ones. */
public final class RunList {
  private RunList() {}

  public static String render(List<RunStatus> runs, int recent, Instant now) {
    Comparator<RunStatus> newestFirst =
        Comparator.comparing((RunStatus s) -> s.updatedAt() == null ? "" : s.updatedAt())
            .reversed();
    List<RunStatus> active =
        runs.stream().filter(s -> !s.state().isTerminal()).sorted(newestFirst).toList();
    List<RunStatus> ended =
        runs.stream().filter(s -> s.state().isTerminal()).sorted(newestFirst).toList();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"run", "commit", "state", "progress", "age"});
    for (RunStatus s : active) {
      rows.add(row(s, now));
    }
    for (RunStatus s : ended.subList(0, Math.min(recent, ended.size()))) {
      rows.add(row(s, now));
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(active.size())
        .append(" active run(s), ")
        .append(ended.size())
        .append(" ended")
        .append(ended.size() > recent ? " (the " + recent + " latest shown; --recent N)" : "")
        .append('\n');
    if (rows.size() == 1) {
      return sb.toString().strip();
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        line.append(String.format("%-" + width[i] + "s  ", r[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString().stripTrailing();
  }

  private static String[] row(RunStatus s, Instant now) {
    long done = s.jobs().stream().filter(j -> j.state().isTerminal()).count();
    String progress = s.jobs().isEmpty() ? "-" : done + "/" + s.jobs().size() + " jobs ended";
    return new String[] {
      String.valueOf(s.runId()),
      s.commit() == null ? "-" : s.commit().substring(0, Math.min(8, s.commit().length())),
      s.state().name(),
      progress,
      age(s.updatedAt(), now)
    };
  }

  /** "40 s", "12 min", "3 h", "2 d" since the instant; "-" when unknown. */
  public static String age(String instant, Instant now) {
    try {
      long s = Math.max(0, Duration.between(Instant.parse(instant), now).toSeconds());
      return s < 120
          ? s + " s"
          : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
    } catch (DateTimeParseException | NullPointerException e) {
      return "-";
    }
  }
}
