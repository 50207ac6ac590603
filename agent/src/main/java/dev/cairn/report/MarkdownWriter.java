package dev.cairn.report;

import java.util.List;

/**
 * Writes a {@link Doc} as GitLab-flavoured Markdown; charts are relative links to {@code charts/}.
 */
public final class MarkdownWriter {
  private static final String SPECIAL = "\\`*[]<>|~&$";

  private MarkdownWriter() {}

  public static String write(Doc doc) {
    StringBuilder md = new StringBuilder();
    for (Doc.Block block : doc.blocks()) {
      if (!md.isEmpty()) {
        md.append('\n');
      }
      if (block instanceof Doc.Heading h) {
        md.append("#".repeat(Math.max(1, Math.min(6, h.level()))))
            .append(' ')
            .append(escape(h.text()))
            .append('\n');
      } else if (block instanceof Doc.Para p) {
        md.append(escapeLine(p.text())).append('\n');
      } else if (block instanceof Doc.Table t) {
        table(md, t);
      } else if (block instanceof Doc.Image i) {
        md.append("![")
            .append(escape(i.alt()))
            .append("](charts/")
            .append(Reports.safeName(i.file()))
            .append(")\n");
      } else if (block instanceof Doc.Code c) {
        String fence = "`".repeat(Math.max(3, longestRun(c.text(), '`') + 1));
        md.append(fence).append("text\n").append(c.text().replace("\r", ""));
        if (!c.text().endsWith("\n")) {
          md.append('\n');
        }
        md.append(fence).append('\n');
      }
    }
    return md.toString();
  }

  private static void table(StringBuilder md, Doc.Table t) {
    row(md, t.header());
    md.append('|');
    t.header().forEach(h -> md.append(" --- |"));
    md.append('\n');
    t.rows().forEach(r -> row(md, r));
  }

  private static void row(StringBuilder md, List<String> cells) {
    md.append('|');
    for (String cell : cells) {
      String text = escape(cell);
      md.append(' ').append(text.isEmpty() ? " " : text).append(" |");
    }
    md.append('\n');
  }

  /**
   * Text as Markdown shows it literally: every character GitLab reads as markup anywhere in a line
   * is backslash-escaped (so {@code |} cannot end a table cell, {@code <} cannot open HTML, {@code
   * [} cannot start a link, {@code `} cannot open code), and {@code _} where it could start or end
   * emphasis; line breaks become spaces so a table row stays one line.
   */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length());
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (c == '\n' || c == '\r' || c == '\t') {
        sb.append(' ');
      } else if (c < 0x20 || c == 0x7f) {
        sb.append('?');
      } else {
        boolean intraword =
            i > 0
                && i + 1 < chars.length
                && Character.isLetterOrDigit(chars[i - 1])
                && Character.isLetterOrDigit(chars[i + 1]);
        if (SPECIAL.indexOf(c) >= 0 || (c == '_' && !intraword)) {
          sb.append('\\');
        }
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Text escaped as {@link #escape} does, and so that it cannot start a heading, list or rule at
   * the start of a line.
   */
  public static String escapeLine(String text) {
    String s = escape(text);
    if (!s.isEmpty() && "#+-=".indexOf(s.charAt(0)) >= 0) {
      return "\\" + s;
    }
    return s.matches("\\d+[.)](\\s.*)?") ? s.replaceFirst("([.)])", "\\\\$1") : s;
  }

  private static int longestRun(String text, char c) {
    int best = 0;
    int run = 0;
    for (char x : text.toCharArray()) {
      run = x == c ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  }
}
