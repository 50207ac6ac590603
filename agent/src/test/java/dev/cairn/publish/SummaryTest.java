package dev.cairn.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void escape_keepsATableCellOneLineOfLiteralText() {
    assertEquals(
        "a\\|b &lt;img src=x&gt; \\[x\\]\\(y\\) \\*z\\* \\`w\\` next &amp; &quot;q&quot; \\#",
        Summary.escape("a|b <img src=x> [x](y) *z* `w`\nnext & \"q\" #"));
    assertEquals("", Summary.escape(null));
  }
}
