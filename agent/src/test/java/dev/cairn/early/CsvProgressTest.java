package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvProgressTest {
  private static final String HEADER = "epoch,step,train/loss,val/loss,val/mIoU\n";

  @TempDir Path out;

  private Path fit(int version) throws IOException {
    Path dir = Files.createDirectories(out.resolve("fit").resolve("version_" + version));
    return dir.resolve("metrics.csv");
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static SortedMap<Integer, Double> map(Object... kv) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((Integer) kv[i], (Double) kv[i + 1]);
    }
    return m;
  }

  @Test
  void read_takesTheValidationRowsByEpoch_countingEpochsDone() throws IOException {
    Path csv = fit(0);
    append(
        csv,
        HEADER
            + "0,9,0.9,,\n"
            + "0,19,0.8,,\n"
            + "0,19,,0.7,0.31\n"
            + "1,29,0.6,,\n"
            + "1,39,,0.5,0.42\n");
    assertEquals(map(1, 0.31, 2, 0.42), new CsvProgress().read(out, "val/mIoU"));
  }

  @Test
  void read_neverTakesAPartialLastLine_andReadsItOnceItIsWhole() throws IOException {
    Path csv = fit(0);
    append(csv, HEADER + "0,19,,0.7,0.31\n1,39,,0.5,0.4");
    CsvProgress progress = new CsvProgress();
    // "0.4" may be the start of 0.45: not a value until its newline is written
    assertEquals(map(1, 0.31), progress.read(out, "val/mIoU"));
    append(csv, "5\n");
    assertEquals(map(1, 0.31, 2, 0.45), progress.read(out, "val/mIoU"));
  }

  @Test
  void read_skipsALineWithFewerCellsThanTheHeader() throws IOException {
    Path csv = fit(0);
    append(csv, HEADER + "0,19,,0.7,0.31\n1,39,,0.5\n");
    assertEquals(map(1, 0.31), new CsvProgress().read(out, "val/mIoU"));
  }

  @Test
  void read_aHeaderWithoutItsNewlineIsNoHeaderYet() throws IOException {
    Path csv = fit(0);
    append(csv, "epoch,step,val/m");
    CsvProgress progress = new CsvProgress();
    assertEquals(map(), progress.read(out, "val/mIoU"));
    append(csv, "IoU\n0,3,0.5\n");
    assertEquals(map(1, 0.5), progress.read(out, "val/mIoU"));
  }

  @Test
  void read_recordsNaNForACellThatIsNotANumber() throws IOException {
    append(fit(0), HEADER + "0,19,,0.7,nan\n1,39,,0.7,oops\n2,59,,0.7,0.2\n");
    SortedMap<Integer, Double> v = new CsvProgress().read(out, "val/mIoU");
    assertEquals(List.of(1, 2, 3), List.copyOf(v.keySet()));
    assertTrue(v.get(1).isNaN() && v.get(2).isNaN(), v.toString());
  }

  @Test
  void read_aResumedFitsNewVersionFolderContinues_andWinsForTheSameEpoch() throws IOException {
    append(fit(0), HEADER + "0,19,,0.7,0.31\n1,39,,0.6,0.40\n");
    append(fit(1), HEADER + "1,39,,0.6,0.41\n2,59,,0.5,0.50\n");
    // version_10 sorts after version_9, not before version_2
    append(fit(10), HEADER + "3,79,,0.4,0.55\n");
    append(fit(9), HEADER + "3,79,,0.4,0.52\n");
    assertEquals(map(1, 0.31, 2, 0.41, 3, 0.50, 4, 0.55), new CsvProgress().read(out, "val/mIoU"));
  }

  @Test
  void read_startsOverWhenAFileShrinks_orIsRewrittenWithANewHeader() throws IOException {
    Path csv = fit(0);
    append(csv, HEADER + "0,19,,0.7,0.31\n1,39,,0.6,0.40\n");
    CsvProgress progress = new CsvProgress();
    assertEquals(map(1, 0.31, 2, 0.40), progress.read(out, "val/mIoU"));
    // a restarted fit writes the folder again from scratch
    Files.writeString(csv, HEADER + "0,19,,0.7,0.33\n");
    assertEquals(map(1, 0.33), progress.read(out, "val/mIoU"));
    // Lightning rewrites the whole file when a column appears; the file only grew
    Files.writeString(
        csv,
        "epoch,step,train/loss,val/loss,val/mIoU,val/IoU_cloud\n"
            + "0,19,,0.7,0.33,0.1\n1,39,,0.6,0.44,0.2\n");
    assertEquals(map(1, 0.33, 2, 0.44), progress.read(out, "val/mIoU"));
  }

  @Test
  void read_readsOnlyWhatWasAppended() throws IOException {
    Path csv = fit(0);
    append(csv, HEADER + "0,19,,0.7,0.31\n");
    CsvProgress progress = new CsvProgress();
    assertEquals(map(1, 0.31), progress.read(out, "val/mIoU"));
    // an edit before the offset (same length, same header) is not read again: proof that the
    // second call starts where the first stopped
    String text = Files.readString(csv).replace("0.31", "0.99");
    Files.writeString(csv, text + "1,39,,0.6,0.40\n");
    assertEquals(map(1, 0.31, 2, 0.40), progress.read(out, "val/mIoU"));
    assertEquals(map(1, 0.99, 2, 0.40), new CsvProgress().read(out, "val/mIoU"));
  }

  @Test
  void read_matchesTerratorch10NamesAndTheDemoTrainersOwnFile() throws IOException {
    append(fit(0), "epoch,step,val/Multiclass_Jaccard_Index\n0,5,0.25\n");
    assertEquals(map(1, 0.25), new CsvProgress().read(out, "val/mIoU"));
    Path demo = Files.createDirectories(out.resolve("demo"));
    append(demo.resolve("metrics.csv"), "epoch,step,train/loss,val/RMSE,test/RMSE\n0,3,1,40.5,\n");
    assertEquals(map(1, 40.5), new CsvProgress().read(demo, "val/RMSE"));
  }

  @Test
  void read_ofAFolderWithoutLogsIsEmpty_andForgetDropsTheCache() throws IOException {
    CsvProgress progress = new CsvProgress();
    assertEquals(Map.of(), progress.read(out.resolve("absent"), "val/mIoU"));
    assertEquals(Map.of(), progress.read(out, "val/mIoU"));
    append(fit(0), HEADER + "0,19,,0.7,0.31\n");
    assertEquals(map(1, 0.31), progress.read(out, "val/mIoU"));
    progress.forget(out);
    assertEquals(map(1, 0.31), progress.read(out, "val/mIoU"));
  }
}
