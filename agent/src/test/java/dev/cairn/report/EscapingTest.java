package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscapingTest {
  private static final String HOSTILE =
      "a|b <img src=x onerror=alert(1)> [x](http://evil) *y* `z`\nnext & \"q\" 'r'";

  @Test
  void markdown_tableCellCannotEndTheCellOrOpenHtmlOrALink() {
    String md = MarkdownWriter.write(new Doc().table(List.of("h"), List.of(List.of(HOSTILE))));
    String row = md.lines().toList().get(2);
    assertEquals(
        "| a\\|b \\<img src=x onerror=alert(1)\\> \\[x\\](http://evil) \\*y\\* \\`z\\` next \\& \"q\" 'r' |",
        row);
    assertEquals(3, md.lines().count(), "the newline did not split the row");
  }

  @Test
  void markdown_escapesEmphasisAndLineStarts_butNotUnderscoresInsideWords() {
    assertEquals(
        "crop_classification \\_x\\_ \\~\\~y\\~\\~ \\$z\\$",
        MarkdownWriter.escape("crop_classification _x_ ~~y~~ $z$"));
    assertEquals("\\# not a heading", MarkdownWriter.escapeLine("# not a heading"));
    assertEquals("\\- not a list", MarkdownWriter.escapeLine("- not a list"));
    assertEquals("1\\. not a list", MarkdownWriter.escapeLine("1. not a list"));
    assertEquals("+1", MarkdownWriter.escape("+1"));
    assertEquals("", MarkdownWriter.escape(null));
  }

  @Test
  void markdown_codeBlockFenceIsLongerThanAnyBacktickRunInside() {
    String md = MarkdownWriter.write(new Doc().code("x ```` y"));
    assertTrue(md.startsWith("`````text\n"), md);
    assertTrue(md.endsWith("\n`````\n"), md);
  }

  @Test
  void html_escapesTextAndAttributes_andInlinesChartsAsDataUris() {
    Doc doc = new Doc().heading(1, HOSTILE).image("chart \"x\"", "c.png").code("<script>");
    String html = HtmlWriter.write("t<", doc, Map.of("c.png", new byte[] {1, 2, 3}));
    assertFalse(html.contains("<img src=x"), html);
    assertTrue(html.contains("a|b &lt;img src=x onerror=alert(1)&gt;"), html);
    assertTrue(html.contains("next &amp; &quot;q&quot; &#39;r&#39;"), html);
    assertTrue(
        html.contains(
            "<img alt=\"chart &quot;x&quot;\" data-file=\"c.png\" src=\"data:image/png;base64,AQID\">"),
        html);
    assertTrue(html.contains("<pre>&lt;script&gt;</pre>"), html);
    assertTrue(html.contains("<title>t&lt;</title>"), html);
    assertFalse(html.contains("http://") && !html.contains("http://evil"), "no external host");
  }

  @Test
  void markdown_chartLinksAreRelativeAndSafe() {
    String md = MarkdownWriter.write(new Doc().image("curves", "../../etc/passwd"));
    assertEquals("![curves](charts/_._.._etc_passwd)\n", md);
  }

  @Test
  void metricsText_namesAreSanitisedAndLabelValuesEscaped() {
    TrialResult t =
        TrialResult.builder("lr=\"1e-3\"\\x\ny", "crop_classification", "COMPLETED")
            .metrics(Map.of("test/mIoU", 0.41))
            .gate("test/mIoU>=0.3")
            .gateMetric("test/mIoU")
            .higherIsBetter(true)
            .passed(true)
            .elapsedS(90L)
            .gpus(1)
            .cpus(4)
            .build();
    RunReport run =
        new RunReport("r", "c", null, "main", "SUCCEEDED", null, null, null, null, List.of(t));
    String text = MetricsText.render(run);
    String labels = "{task=\"crop_classification\",trial=\"lr=\\\"1e-3\\\"\\\\x\\ny\"}";
    assertEquals(
        "test_miou"
            + labels
            + " 0.41\n"
            + "elapsed_seconds"
            + labels
            + " 90\n"
            + "gpu_hours"
            + labels
            + " 0.025\n",
        text);
    assertEquals("_2nd_metric", MetricsText.name("2nd metric"));
  }
}
