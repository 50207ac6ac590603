package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UntrustedTest {
  @Test
  void forLog_writesOutLineBreaksAndEscapes() {
    assertEquals("a\\nERROR forged", Untrusted.forLog("a\nERROR forged"));
    assertEquals("\\x1b[2J\\r", Untrusted.forLog("\u001b[2J\r"));
    assertEquals("back\\\\slash", Untrusted.forLog("back\\slash"));
    assertEquals("null", Untrusted.forLog(null));
    assertTrue(Untrusted.forLog("x".repeat(500)).length() < 210);
  }

  @Test
  void oneLine_joinsLinesAndCuts() {
    assertEquals("Subject Signed-off-by: x", Untrusted.oneLine("Subject\n\nSigned-off-by: x", 100));
    assertEquals("ab...", Untrusted.oneLine("abcdefgh", 5));
    assertEquals(null, Untrusted.oneLine(null, 5));
  }

  @Test
  void hasControl_seesUnicodeSeparatorsAndBidiOverrides() {
    assertTrue(Untrusted.hasControl("a\u2028b"));
    assertTrue(Untrusted.hasControl("a\u202eb"));
    assertTrue(Untrusted.hasControl("a\u0085b"));
    assertFalse(Untrusted.hasControl("plain /path-with_ünïcode"));
  }

  @Test
  void withEntities_writesMarkupAsEntitiesAndHandsOnTheRest() {
    assertEquals(
        "&lt;[b]&amp;&quot;[c]&quot;&gt;",
        Untrusted.withEntities("<b&\"c\">", (sb, c) -> sb.append('[').append(c).append(']')));
    assertEquals("", Untrusted.withEntities(null, (sb, c) -> sb.append(c)));
  }
}
