package dev.cairn.report;

import java.util.ArrayList;
import java.util.List;

/** Writes a {@link Doc} for a terminal or a CI job log: aligned columns, charts left out. */
public final class TextWriter {
  private TextWriter() {}

  public static String write(Doc doc) {
    StringBuilder out = new StringBuilder();
    for (Doc.Block block : doc.blocks()) {
      if (block instanceof Doc.Heading h) {
        if (!out.isEmpty()) {
          out.append('\n');
        }
        out.append(h.level() <= 1 ? h.text() : "== " + h.text()).append('\n');
      } else if (block instanceof Doc.Para p) {
        out.append(oneLine(p.text())).append('\n');
      } else if (block instanceof Doc.Table t) {
        table(out, t);
      } else if (block instanceof Doc.Code c) {
        c.text().lines().forEach(l -> out.append("    ").append(l).append('\n'));
      }
    }
    return out.toString();
  }

  private static void table(StringBuilder out, Doc.Table t) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(t.header());
    rows.addAll(t.rows());
    int[] width = new int[t.header().size()];
    for (List<String> r : rows) {
      for (int i = 0; i < Math.min(width.length, r.size()); i++) {
        width[i] = Math.max(width[i], oneLine(r.get(i)).length());
      }
    }
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < Math.min(width.length, r.size()); i++) {
        String cell = oneLine(r.get(i));
        line.append(cell).append(" ".repeat(width[i] - cell.length() + 2));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").replaceAll("\\p{Cntrl}", "?");
  }
}
