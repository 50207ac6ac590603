package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesTest {
  @TempDir Path tmp;

  @Test
  void parse_lightningCsvLogger_averagesStepRowsAndSkipsBlankCellsAndTestColumns() {
    List<EpochRow> rows =
        Curves.parse(
            List.of(
                "epoch,step,train/loss,val/loss,val/mIoU,test/mIoU",
                "0,9,0.9,,,",
                "0,19,0.7,,,",
                "0,19,,0.8,0.31,",
                "1,29,0.5,,,",
                "1,39,,0.6,0.42,",
                ",40,,,,0.44"));
    assertEquals(2, rows.size());
    assertEquals(
        new EpochRow(0, Map.of("train/loss", 0.8, "val/loss", 0.8, "val/mIoU", 0.31)),
        round(rows.get(0)));
    assertEquals(
        new EpochRow(1, Map.of("train/loss", 0.5, "val/loss", 0.6, "val/mIoU", 0.42)),
        round(rows.get(1)));
  }

  @Test
  void parse_demoTrainerCsv_namesColumnsAsLightningDoes() {
    List<EpochRow> rows =
        Curves.parse(
            List.of(
                "epoch,train_loss,val_RMSE,val_R2,seconds",
                "1,0.450640,56.846788,0.629449,0.176",
                "2,0.204337,62.203201,0.556329,0.056"));
    assertEquals(
        List.of(
            new EpochRow(
                1, Map.of("train/loss", 0.450640, "val/RMSE", 56.846788, "val/R2", 0.629449)),
            new EpochRow(
                2, Map.of("train/loss", 0.204337, "val/RMSE", 62.203201, "val/R2", 0.556329))),
        rows);
    assertEquals("val/RMSE", Curves.validationOf("test/RMSE", rows));
    assertEquals("val/RMSE", Curves.validationOf("test/F1", rows));
  }

  @Test
  void parse_withoutAnEpochColumnOrRows_isEmpty() {
    assertEquals(List.of(), Curves.parse(List.of()));
    assertEquals(List.of(), Curves.parse(List.of("step,train/loss", "1,0.5")));
    assertEquals(List.of(), Curves.parse(List.of("epoch,val/x", "nan,abc", "1.5,0.2")));
  }

  @Test
  void read_findsTheDemoFileAndLightningsVersionFolders() throws Exception {
    assertEquals(List.of(), Curves.read(tmp.resolve("missing")));
    Path demo = Files.createDirectories(tmp.resolve("demo"));
    Files.writeString(
        demo.resolve("metrics.csv"),
        "epoch,train_loss,val_mIoU,seconds\n1,0.5,0.3,0.1\n2,0.4,0.35,0.1\n");
    assertEquals(2, Curves.read(demo).size());
    Path lightning = Files.createDirectories(tmp.resolve("tt/lightning_logs/version_0"));
    Files.writeString(
        lightning.resolve("metrics.csv"),
        "epoch,step,train/loss,val/F1\n0,5,0.9,\n0,5,,0.2\n1,10,0.6,\n1,10,,0.4\n");
    List<EpochRow> rows = Curves.read(tmp.resolve("tt"));
    assertEquals(2, rows.size());
    assertTrue(rows.get(1).values().get("val/F1") == 0.4);
  }

  private static EpochRow round(EpochRow r) {
    Map<String, Double> v = new java.util.TreeMap<>();
    r.values().forEach((k, x) -> v.put(k, Math.round(x * 1e6) / 1e6));
    return new EpochRow(r.epoch(), v);
  }
}
