package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.model.RungDecision;
import dev.cairn.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's view: trials' folders on disk, ticks on a manual clock, decisions on record. */
class SweepWatchTest {
  private static final Policy POLICY = new Policy("val/mIoU", true, 1, 3);

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T06:00:00Z"));

  private SweepWatch.Trial trial(String id, boolean running) throws IOException {
    Path out = Files.createDirectories(dir.resolve(id));
    return new SweepWatch.Trial(id, running, 9, out);
  }

  private void epoch(SweepWatch.Trial t, int epoch, double value) throws IOException {
    Path csv =
        Files.createDirectories(t.outputDir().resolve("fit/version_0")).resolve("metrics.csv");
    String header = Files.exists(csv) ? "" : "epoch,step,val/mIoU\n";
    Files.writeString(
        csv,
        header + (epoch - 1) + "," + epoch * 10 + "," + value + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Test
  void tick_decidesFromTheLogs_andARestartedAgentGoesOnFromTheRecord() throws IOException {
    List<SweepWatch.Trial> trials = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      trials.add(trial("t" + i, true));
    }
    SweepWatch watch = new SweepWatch();
    List<RungDecision> record = new ArrayList<>();
    // tick 1: nothing logged yet
    record.addAll(watch.tick(POLICY, trials, record, clock.instant()));
    assertEquals(List.of(), record);
    for (int i = 0; i < 6; i++) {
      epoch(trials.get(i), 1, 0.1 * i);
    }
    Instant second = clock.advance(Duration.ofSeconds(30));
    List<RungDecision> made = watch.tick(POLICY, trials, record, second);
    record.addAll(made);
    // six at rung 1, keep two: t4 and t5 go on, the others stop, all at the tick's time
    assertEquals(
        List.of("t0", "t1", "t2", "t3"),
        made.stream().filter(RungDecision::stops).map(RungDecision::trialId).toList());
    made.forEach(d -> assertEquals(second.toString(), d.at()));

    // the agent dies after saving the record and before cancelling: the stopped trials keep
    // training and log more epochs; a new agent neither decides them again nor lets them through
    SweepWatch restarted = new SweepWatch();
    for (int i = 0; i < 6; i++) {
      epoch(trials.get(i), 2, 0.9);
      epoch(trials.get(i), 3, 0.9 - 0.1 * i);
    }
    List<RungDecision> after =
        restarted.tick(POLICY, trials, record, clock.advance(Duration.ofSeconds(30)));
    assertEquals(
        List.of("t4@3:CONTINUE", "t5@3:STOP"),
        after.stream().map(d -> d.trialId() + "@" + d.rung() + ":" + d.verdict()).toList());
    record.addAll(after);
    assertEquals(List.of(), restarted.tick(POLICY, trials, record, clock.instant()));
  }

  @Test
  void tick_aFolderThatCannotBeReadIsNoProgress() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    SweepWatch.Trial odd = new SweepWatch.Trial("odd", true, 9, file);
    SweepWatch.Trial ok = trial("ok", true);
    epoch(ok, 1, 0.5);
    List<RungDecision> made =
        new SweepWatch().tick(POLICY, List.of(odd, ok), List.of(), clock.instant());
    assertEquals(List.of("ok"), made.stream().map(RungDecision::trialId).toList());
  }
}
