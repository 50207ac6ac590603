package dev.cairn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderboardTest {
  private static RunReport sweep(TrialResult... trials) {
    return new RunReport(
        "r1", "abc", null, "main", "SUCCEEDED", null, null, null, null, List.of(trials));
  }

  @Test
  void rank_putsTheHighestFirst_whenTheGateIsAtLeast() {
    RunReport run =
        sweep(
            Samples.trial(
                "crop-a", "crop_classification", "1e-4", "test/mIoU", ">=", 0.41, "COMPLETED"),
            Samples.trial(
                "crop-b", "crop_classification", "1e-3", "test/mIoU", ">=", 0.55, "COMPLETED"),
            Samples.trial(
                "crop-c", "crop_classification", "1e-2", "test/mIoU", ">=", 0.12, "COMPLETED"));
    List<Leaderboard.Row> rows = Leaderboard.rank(List.of(run)).get("crop_classification");
    assertEquals(
        List.of("crop-b", "crop-a", "crop-c"),
        rows.stream().map(r -> r.trial().trialId()).toList());
    assertEquals(List.of(1, 2, 3), rows.stream().map(Leaderboard.Row::rank).toList());
  }

  @Test
  void rank_putsTheLowestFirst_whenTheGateIsAtMost() {
    RunReport run =
        sweep(
            Samples.trial("bio-a", "biomass", "1e-4", "test/RMSE", "<=", 41.0, "COMPLETED"),
            Samples.trial("bio-b", "biomass", "1e-3", "test/RMSE", "<=", 37.5, "COMPLETED"),
            Samples.trial("bio-c", "biomass", "1e-2", "test/RMSE", "<=", 60.0, "COMPLETED"));
    List<Leaderboard.Row> rows = Leaderboard.rank(List.of(run)).get("biomass");
    assertEquals(
        List.of("bio-b", "bio-a", "bio-c"), rows.stream().map(r -> r.trial().trialId()).toList());
  }

  @Test
  void rank_putsTrialsWithoutTheMetricLast_andKeepsTasksApart() {
    RunReport run =
        sweep(
            Samples.trial(
                "crop-failed", "crop_classification", "1e-1", "test/mIoU", ">=", null, "FAILED"),
            Samples.trial("bio", "biomass", "1e-4", "test/RMSE", "<=", 41.0, "COMPLETED"),
            Samples.trial(
                "crop-ok", "crop_classification", "1e-4", "test/mIoU", ">=", 0.05, "COMPLETED"));
    Map<String, List<Leaderboard.Row>> board = Leaderboard.rank(List.of(run));
    assertEquals(List.of("crop_classification", "biomass"), List.copyOf(board.keySet()));
    assertEquals(
        List.of("crop-ok", "crop-failed"),
        board.get("crop_classification").stream().map(r -> r.trial().trialId()).toList());
  }

  @Test
  void rank_labelsEachTrialByTheParametersThatDiffer() {
    RunReport run =
        sweep(
            Samples.trial(
                "crop-a", "crop_classification", "1e-4", "test/mIoU", ">=", 0.41, "COMPLETED"),
            Samples.trial(
                "crop-b", "crop_classification", "1e-3", "test/mIoU", ">=", 0.55, "COMPLETED"));
    List<Leaderboard.Row> rows = Leaderboard.rank(List.of(run)).get("crop_classification");
    assertEquals(
        List.of("LEARNING_RATE=1e-3", "LEARNING_RATE=1e-4"),
        rows.stream().map(Leaderboard.Row::label).toList());
    RunReport single =
        sweep(Samples.trial("landslide", "landslide", "1e-4", "test/F1", ">=", 0.6, "COMPLETED"));
    assertEquals("landslide", Leaderboard.rank(List.of(single)).get("landslide").get(0).label());
  }

  @Test
  void rank_acrossRuns_namesTheRunOfEachRow() {
    RunReport a = Samples.run("run-a", "aaaa1111", "5e-3", 0.9, 40.0, "2026-11-25T01:00:00Z");
    RunReport b = Samples.run("run-b", "bbbb2222", "1e-2", 0.95, 45.0, "2026-11-25T02:00:00Z");
    Map<String, List<Leaderboard.Row>> board = Leaderboard.rank(List.of(a, b));
    assertEquals(
        List.of("run-b", "run-a"),
        board.get("crop_classification").stream().map(Leaderboard.Row::runId).toList());
    assertEquals(
        List.of("run-a", "run-b"),
        board.get("biomass").stream().map(Leaderboard.Row::runId).toList());
    assertEquals("LEARNING_RATE=1e-2", board.get("crop_classification").get(0).label());
  }

  @Test
  void higherIsBetter_followsTheGateForItsMetric_andTheNameOtherwise() {
    TrialResult bio = Samples.trial("bio", "biomass", "1e-4", "test/RMSE", "<=", 41.0, "COMPLETED");
    assertEquals(false, Leaderboard.higherIsBetter("test/RMSE", bio));
    assertEquals(true, Leaderboard.higherIsBetter("test/R2", bio));
    assertEquals(false, Leaderboard.higherIsBetter("val/loss", null));
  }
}
