package dev.cairn.dvc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DvcJsonTest {

  // Expected values are the output of Python 3.11's json.dumps for the same strings.
  @Test
  void quote_escapesAsPythonJsonDumps() {
    assertEquals("\"q\\\"uote\"", DvcJson.quote("q\"uote"));
    assertEquals("\"back\\\\slash\"", DvcJson.quote("back\\slash"));
    assertEquals("\"tab\\there\"", DvcJson.quote("tab\there"));
    assertEquals("\"nl\\nx\"", DvcJson.quote("nl\nx"));
    assertEquals("\"\\r\\b\\f\"", DvcJson.quote("\r\b\f"));
    assertEquals("\"ctl\\u0001\\u001f\\u007f\"", DvcJson.quote("ctl\u0001\u001f\u007f"));
    assertEquals("\"caf\\u00e9/\\u00fc.txt\"", DvcJson.quote("caf\u00e9/\u00fc.txt"));
    assertEquals("\"\\ud83d\\ude00.txt\"", DvcJson.quote("\uD83D\uDE00.txt"));
    assertEquals("\"\\ue000.txt\"", DvcJson.quote("\ue000.txt"));
    assertEquals("\"/sl\\u2028\"", DvcJson.quote("/sl\u2028"));
    assertEquals("\" ~/\"", DvcJson.quote(" ~/"));
  }

  @Test
  void manifest_usesPythonSeparatorsAndSortedKeys() {
    String json =
        DvcJson.manifest(
            List.of(
                new DvcEntry("a.txt", "b1946ac92492d2347c6235b4d2611184", 6, null),
                new DvcEntry("sub/b.txt", "591785b794601e212b260e25925636fd", 6, null)));
    assertEquals(
        "[{\"md5\": \"b1946ac92492d2347c6235b4d2611184\", \"relpath\": \"a.txt\"}, "
            + "{\"md5\": \"591785b794601e212b260e25925636fd\", \"relpath\": \"sub/b.txt\"}]",
        json);
  }

  @Test
  void manifest_ofNothingIsEmptyList() {
    assertEquals("[]", DvcJson.manifest(List.of()));
  }
}
