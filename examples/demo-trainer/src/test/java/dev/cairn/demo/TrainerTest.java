package dev.cairn.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {
  @TempDir Path tmp;

  private String train(Path dir, String task, int epochs, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--task",
                task,
                "--epochs",
                Integer.toString(epochs),
                "--seed",
                "7",
                "--tiles",
                "16",
                "--learning-rate",
                "5e-3",
                "--batch-size",
                "4",
                "--num-workers",
                "2",
                "--output-dir",
                dir.resolve("out").toString(),
                "--checkpoint-dir",
                dir.resolve("ckpt").toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(args.toArray(String[]::new), new PrintStream(out), new PrintStream(err), false);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** metrics.json without the timing and memory figures, which differ run to run. */
  private static String stableMetrics(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve("out/metrics.json")).stream()
        .filter(l -> !l.contains("elapsed_s") && !l.contains("peak_rss_mb"))
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void train_isDeterministicForASeed() throws Exception {
    train(tmp.resolve("a"), "crop_classification", 3);
    train(tmp.resolve("b"), "crop_classification", 3);
    assertEquals(stableMetrics(tmp.resolve("a")), stableMetrics(tmp.resolve("b")));
  }

  @Test
  void resume_continuesExactlyWhereItStopped() throws Exception {
    train(tmp.resolve("straight"), "landslide", 4);
    train(tmp.resolve("resumed"), "landslide", 2);
    String second = train(tmp.resolve("resumed"), "landslide", 4);
    assertTrue(second.startsWith("resuming from checkpoint at epoch 2"), second);
    assertEquals(stableMetrics(tmp.resolve("straight")), stableMetrics(tmp.resolve("resumed")));
    List<String> rows = Files.readAllLines(tmp.resolve("resumed/out/metrics.csv"));
    assertEquals(
        7, rows.size(), "header, epochs 0-1, the first test, epochs 2-3, the test: " + rows);
    assertTrue(rows.get(4).startsWith("2,"), rows.toString());
    assertEquals(Files.readAllLines(tmp.resolve("straight/out/metrics.csv")).get(5), rows.get(6));
  }

  @ParameterizedTest
  @ValueSource(strings = {"crop_classification", "landslide", "biomass"})
  void train_learnsAndWritesOutputs(String task) throws Exception {
    String out = train(tmp, task, 5, "--tiles", "32");
    List<String> rows = Files.readAllLines(tmp.resolve("out/metrics.csv"));
    assertEquals(7, rows.size(), "header, five epochs, the test: " + rows);
    List<String> header = List.of(rows.get(0).split(",", -1));
    assertEquals(List.of("epoch", "step", "train/loss"), header.subList(0, 3));
    int loss = header.indexOf("train/loss");
    int valLoss = header.indexOf("val/loss");
    assertTrue(valLoss > loss && header.indexOf("test/loss") > valLoss, header.toString());
    double firstLoss = Double.parseDouble(rows.get(1).split(",", -1)[loss]);
    double lastLoss = Double.parseDouble(rows.get(5).split(",", -1)[loss]);
    assertTrue(lastLoss < firstLoss * 0.8, "loss fell: " + rows);
    assertTrue(rows.get(1).startsWith("0,"), "epochs count from 0 as Lightning's do: " + rows);
    assertTrue(
        rows.get(6).split(",", -1)[loss].isEmpty(), "the test row logs no train/loss: " + rows);
    String json = Files.readString(tmp.resolve("out/metrics.json"));
    String key =
        switch (task) {
          case "crop_classification" -> "test/mIoU";
          case "landslide" -> "test/F1_Score";
          default -> "test/R2_Score";
        };
    double value =
        Double.parseDouble(json.replaceAll("(?s).*\"" + key + "\": ([0-9.\\-]+).*", "$1"));
    assertTrue(value > 0.5, key + " = " + value + "\n" + out);
    for (int i = 0; i < 3; i++) {
      Path png = tmp.resolve(String.format("out/predictions/sample_%02d.png", i));
      assertTrue(ImageIO.read(png.toFile()).getWidth() > 300, png.toString());
    }
  }

  @Test
  void failAtEpoch_exitsWithThree() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "--task",
              "biomass",
              "--epochs",
              "3",
              "--tiles",
              "8",
              "--fail-at-epoch",
              "2",
              "--output-dir",
              tmp.toString()
            },
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err),
            false);
    assertEquals(3, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("failing at epoch 2"));
  }

  private int stage(
      String stage, String out, ByteArrayOutputStream stdout, ByteArrayOutputStream err) {
    return Main.run(
        new String[] {
          "--task",
          "landslide",
          "--epochs",
          "2",
          "--tiles",
          "8",
          "--stage",
          stage,
          "--output-dir",
          tmp.resolve(out).toString(),
          "--checkpoint-dir",
          tmp.resolve("ckpt").toString()
        },
        new PrintStream(stdout),
        new PrintStream(err),
        false);
  }

  @Test
  void stages_trainThenEvaluate_testTheFinishedCheckpointWithoutTrainingAgain() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(4, stage("evaluate", "early", new ByteArrayOutputStream(), err));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("needs a finished training checkpoint"),
        err.toString(StandardCharsets.UTF_8));
    assertEquals(0, stage("train", "train", new ByteArrayOutputStream(), err));
    assertTrue(Files.exists(tmp.resolve("ckpt/last.ckpt")));
    assertFalse(Files.exists(tmp.resolve("train/metrics.json")), "train does not test");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, stage("evaluate", "eval", out, err));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("resuming from checkpoint at epoch 2"), printed);
    assertFalse(printed.contains("train/loss"), "no epoch is trained again: " + printed);
    assertTrue(Files.readString(tmp.resolve("eval/metrics.json")).contains("test/F1_Score"));
    assertTrue(Files.exists(tmp.resolve("eval/predictions/sample_00.png")));
  }

  @Test
  void options_rejectBadValuesNamingTheOption() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"--task", "crop", "--output-dir", tmp.toString()},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err),
            false);
    assertEquals(2, code);
    assertEquals(
        "demo-trainer: --task 'crop' is not allowed; use one of crop_classification, landslide, biomass",
        err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void backbones_differInCapacityAndMemory_deterministically() throws Exception {
    train(tmp.resolve("a"), "crop_classification", 2, "--model", "prithvi_eo_v2_300");
    train(tmp.resolve("b"), "crop_classification", 2, "--model", "prithvi_eo_v2_600");
    train(tmp.resolve("c"), "crop_classification", 2, "--model", "prithvi_eo_v2_600");
    assertFalse(stableMetrics(tmp.resolve("a")).equals(stableMetrics(tmp.resolve("b"))));
    assertEquals(stableMetrics(tmp.resolve("b")), stableMetrics(tmp.resolve("c")));
    Portfolio small = Portfolio.of("prithvi_eo_v2_300");
    Portfolio big = Portfolio.of("prithvi_eo_v2_600");
    assertTrue(big.hidden() * big.window() > small.hidden() * small.window(), "more weights");
    assertTrue(big.ballastMb() > small.ballastMb(), "more memory");
    assertEquals(small, Portfolio.of(""), "no model trains as the 300M, as before");
  }

  @Test
  void splits_trainOnTheirOwnTiles_andTheSameSplitTheSameWay() throws Exception {
    train(tmp.resolve("a"), "biomass", 1, "--split", "fold1");
    train(tmp.resolve("b"), "biomass", 1, "--split", "fold2");
    train(tmp.resolve("c"), "biomass", 1, "--split", "fold1");
    assertFalse(stableMetrics(tmp.resolve("a")).equals(stableMetrics(tmp.resolve("b"))));
    assertEquals(stableMetrics(tmp.resolve("a")), stableMetrics(tmp.resolve("c")));
    int[] order = Trainer.splitOrder(20, "fold1");
    assertEquals(20, java.util.Arrays.stream(order).distinct().count(), "a permutation");
  }
}
