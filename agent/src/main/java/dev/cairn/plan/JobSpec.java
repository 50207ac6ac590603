package dev.cairn.plan;

import dev.cairn.config.TaskDefinition;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One job of a run: a trial at one attempt, with the folders it writes to. Every attempt of a trial
 * shares the same output, checkpoint, out and err paths so that a resubmitted job resumes where the
 * last one stopped; so do its two stages where the config splits them.
 *
 * @param stage {@value #ALL} (one job trains and evaluates), {@value #TRAIN} or {@value #EVALUATE}
 */
public record JobSpec(
    String runId,
    Trial trial,
    TaskDefinition task,
    int attempt,
    Path runDir,
    Path script,
    Path outFile,
    Path errFile,
    Path outputDir,
    Path checkpointDir,
    String stage) {
  public static final String ALL = "all";
  public static final String TRAIN = "train";
  public static final String EVALUATE = "evaluate";

  /**
   * {@code cairn-<run-id>-<trial>-a<attempt>} (the trial is the task where the config does not
   * sweep; an evaluate job adds {@code -evaluate} after it): unique, and how the agent finds the
   * job after a crash.
   */
  public String jobName() {
    return "cairn-"
        + runId
        + "-"
        + trial.id()
        + (stage.equals(EVALUATE) ? "-" + EVALUATE : "")
        + "-a"
        + attempt;
  }

  public JobSpec withAttempt(int next) {
    return new JobSpec(
        runId,
        trial,
        task,
        next,
        runDir,
        script,
        outFile,
        errFile,
        outputDir,
        checkpointDir,
        stage);
  }

  /**
   * The evaluate job of this trial: its own script, the trial's out, err, output and checkpoint
   * paths, and the train job's resources but for {@code EVAL_PARTITION} and {@code EVAL_TIME_LIMIT}
   * where the config sets them.
   */
  public JobSpec evaluate(String partition, @Nullable Duration timeLimit) {
    Resources r = trial.resources();
    Resources res =
        new Resources(
            partition.isEmpty() ? r.partition() : partition,
            r.account(),
            r.gpus(),
            r.cpus(),
            r.memMb(),
            timeLimit == null ? r.timeLimit() : timeLimit);
    return new JobSpec(
        runId,
        new Trial(trial.id(), trial.task(), trial.values(), res, trial.cluster()),
        task,
        attempt,
        runDir,
        script.resolveSibling(trial.id() + "-" + EVALUATE + ".sh"),
        outFile,
        errFile,
        outputDir,
        checkpointDir,
        EVALUATE);
  }
}
