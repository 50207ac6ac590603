package dev.cairn.report;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Doc} as one self-contained HTML page: charts inlined as {@code data:} URIs, no
 * request to any host. A small script marks the body with the number of images and the names of
 * those that failed to load ({@code data-images}, {@code data-broken}), for checks in a browser.
 */
public final class HtmlWriter {
  private static final String STYLE =
      String.join(
          "\n",
          "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1000px;padding:0 1em;color:#1f1f1f}",
          "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #d0d0d0;padding:.3em .6em;text-align:left}",
          "th{background:#f4f4f4}pre{background:#f7f7f7;padding:.8em;overflow-x:auto}img{max-width:100%;display:block;margin:.5em 0}");
  private static final String SCRIPT =
      String.join(
          "\n",
          "window.addEventListener('load', function () {",
          "  var broken = [];",
          "  for (var i = 0; i < document.images.length; i++) {",
          "    var img = document.images[i];",
          "    if (!img.complete || img.naturalWidth === 0) { broken.push(img.getAttribute('data-file')); }",
          "  }",
          "  document.body.setAttribute('data-images', String(document.images.length));",
          "  document.body.setAttribute('data-broken', broken.join(' '));",
          "});");

  private HtmlWriter() {}

  /** The page; {@code charts} holds the PNG bytes by file name. */
  public static String write(String title, Doc doc, Map<String, byte[]> charts) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; ")
        .append("style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("\n</style>\n")
        .append("<script>\n")
        .append(SCRIPT)
        .append("\n</script>\n</head>\n<body>\n");
    for (Doc.Block block : doc.blocks()) {
      if (block instanceof Doc.Heading h) {
        int level = Math.max(1, Math.min(6, h.level()));
        html.append("<h")
            .append(level)
            .append('>')
            .append(escape(h.text()))
            .append("</h")
            .append(level)
            .append(">\n");
      } else if (block instanceof Doc.Para p) {
        html.append("<p>").append(escape(p.text())).append("</p>\n");
      } else if (block instanceof Doc.Table t) {
        html.append("<table>\n<thead><tr>");
        t.header().forEach(c -> html.append("<th>").append(escape(c)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : t.rows()) {
          html.append("<tr>");
          row.forEach(c -> html.append("<td>").append(escape(c)).append("</td>"));
          html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
      } else if (block instanceof Doc.Image i) {
        String file = Reports.safeName(i.file());
        byte[] png = charts.get(file);
        String src =
            png == null ? "" : "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        html.append("<img alt=\"")
            .append(escape(i.alt()))
            .append("\" data-file=\"")
            .append(escape(file))
            .append("\" src=\"")
            .append(src)
            .append("\">\n");
      } else if (block instanceof Doc.Code c) {
        html.append("<pre>").append(escape(c.text())).append("</pre>\n");
      }
    }
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  /** Text as HTML shows it literally, in element content and in quoted attribute values alike. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
      }
    }
    return sb.toString();
  }
}
