package dev.cairn.early;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.model.RungDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A 9-trial sweep of one task (three learning rates, one clearly bad, x three seeds) on synthetic
 * learning curves, played tick by tick as the agent would see it: trials start as slots free up,
 * train at different speeds, and the engine runs after every tick. With early stopping the sweep
 * ends with the same winner as without, having trained at most half the epochs.
 */
class AshaSimulationTest {
  private static final int EPOCHS = 27;
  private static final Policy POLICY = new Policy("val/mIoU", true, 1, 3);

  /**
   * val/mIoU after {@code e} epochs: plateau times (1 - exp(-e / tau)), a seed offset, a wobble.
   */
  static double curve(int lr, int seed, int e) {
    double[] plateau = {0.80, 0.74, 0.30};
    double[] tau = {3, 3, 6};
    double offset = 0.01 * (seed - 1);
    double wobble = 0.002 * Math.sin(7.0 * e + 3 * lr + seed);
    return plateau[lr] * (1 - Math.exp(-e / tau[lr])) + offset + wobble;
  }

  /** One simulated trial: its learning rate and seed, epochs done, ticks per epoch. */
  private static final class Sim {
    final String id;
    final int lr;
    final int seed;
    final int ticksPerEpoch;
    int ticks;
    boolean started;
    boolean stopped;

    Sim(int lr, int seed, int ticksPerEpoch) {
      this.id = "lr" + lr + "-s" + seed;
      this.lr = lr;
      this.seed = seed;
      this.ticksPerEpoch = ticksPerEpoch;
    }

    int epochs() {
      return Math.min(EPOCHS, ticks / ticksPerEpoch);
    }

    boolean running() {
      return started && !stopped && epochs() < EPOCHS;
    }

    TrialCurve curve() {
      TreeMap<Integer, Double> values = new TreeMap<>();
      for (int e = 1; e <= epochs(); e++) {
        values.put(e, AshaSimulationTest.curve(lr, seed, e));
      }
      return new TrialCurve(id, running(), EPOCHS, values);
    }
  }

  /**
   * The last case is the adversary of any asynchronous scheme: three slots, the bad learning rate
   * first, so its trials meet no competitor at their rungs and one of them trains to the end; the
   * winner is still the same, but the saving is smaller (docs/early-stopping.md).
   */
  @ParameterizedTest(name = "{0} at once, {1}: at most {2} of 243 epochs")
  @CsvSource({
    "9, same speed, 121",
    "9, mixed speeds, 121",
    "3, mixed speeds, 121",
    "3, bad ones first, 180"
  })
  void sweep_endsWithTheSameWinnerOnFewerEpochs(int parallel, String order, int maxEpochs) {
    List<Sim> sims = new ArrayList<>();
    int[] lrs = order.equals("bad ones first") ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
    int i = 0;
    for (int lr : lrs) {
      for (int seed = 0; seed < 3; seed++) {
        int speed = order.equals("same speed") ? 1 : 1 + (i * 5 % 3);
        sims.add(new Sim(lr, seed, speed));
        i++;
      }
    }
    List<RungDecision> record = new ArrayList<>();
    Instant now = Instant.parse("2026-12-07T06:00:00Z");
    for (int tick = 0;
        tick < 10_000 && sims.stream().anyMatch(s -> !s.started || s.running());
        tick++) {
      long active = sims.stream().filter(Sim::running).count();
      for (Sim s : sims) {
        if (!s.started && active < parallel) {
          s.started = true;
          active++;
        }
      }
      sims.stream().filter(Sim::running).forEach(s -> s.ticks++);
      now = now.plus(Duration.ofMinutes(1));
      List<RungDecision> made =
          Asha.decide(POLICY, sims.stream().map(Sim::curve).toList(), record, now);
      record.addAll(made);
      for (RungDecision d : made) {
        if (d.stops()) {
          sims.stream().filter(s -> s.id.equals(d.trialId())).forEach(s -> s.stopped = true);
        }
      }
    }
    int trained = sims.stream().mapToInt(Sim::epochs).sum();
    String winner =
        sims.stream()
            .filter(s -> s.epochs() == EPOCHS)
            .max(Comparator.comparingDouble(s -> curve(s.lr, s.seed, EPOCHS)))
            .orElseThrow()
            .id;
    String fullGridWinner =
        sims.stream()
            .max(Comparator.comparingDouble(s -> curve(s.lr, s.seed, EPOCHS)))
            .orElseThrow()
            .id;
    assertEquals(fullGridWinner, winner);
    assertEquals("lr0-s2", winner);
    System.out.printf("%d at once, %s: %d of %d epochs%n", parallel, order, trained, 9 * EPOCHS);
    assertTrue(trained <= maxEpochs, trained + " of " + sims.size() * EPOCHS + " epochs");
    assertEquals(
        List.of(), Asha.decide(POLICY, sims.stream().map(Sim::curve).toList(), record, now));
  }
}
