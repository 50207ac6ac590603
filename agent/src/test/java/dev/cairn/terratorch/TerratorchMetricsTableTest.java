package dev.cairn.terratorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerratorchMetricsTableTest {
  private static final String HEADER = "kind,v1.1,v1.0,higher,meaning,since\n";

  @Test
  void parse_rejectsARowWithNeitherName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TerratorchMetrics.parse(HEADER + "segmentation,,,true,nothing,\n", "m.csv"));
    assertTrue(e.getMessage().contains("neither a v1.1 nor a v1.0 name"), e.getMessage());
  }

  @Test
  void parse_rejectsATableWithoutTheKindColumn() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TerratorchMetrics.parse("v1.1,v1.0,higher\nmIoU,Jaccard,true\n", "m.csv"));
    assertEquals("m.csv has no column 'kind'; add it", e.getMessage());
  }

  @Test
  void canonical_ofAMetricWithOnlyItsOldNameIsThatName() {
    TerratorchMetrics metrics =
        TerratorchMetrics.parse(HEADER + "segmentation,,Old_Name,true,old only,\n", "m.csv");
    assertEquals("test/Old_Name", metrics.canonical("segmentation", "test/Old_Name"));
  }
}
