package dev.cairn.plan;

import java.time.Duration;

/**
 * What one trial asks the scheduler for, after task and model overrides: {@code
 * PRITHVI_EO_V2_600_PARTITION} over {@code CROP_PARTITION} over {@code PARTITION}.
 *
 * @param partition SLURM partition or LSF queue; empty for the cluster's default
 * @param account SLURM account or LSF project; empty for none
 */
public record Resources(
    String partition, String account, int gpus, int cpus, long memMb, Duration timeLimit) {

  /** {@code partition=big gpus=1 cpus=4 mem=16384M time=02:00:00}: one line for people. */
  public String describe() {
    long s = timeLimit.toSeconds();
    String time =
        (s >= 86_400 ? s / 86_400 + "-" : "")
            + String.format("%02d:%02d:%02d", (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    return "partition="
        + (partition.isEmpty() ? "(default)" : partition)
        + (account.isEmpty() ? "" : " account=" + account)
        + " gpus="
        + gpus
        + " cpus="
        + cpus
        + " mem="
        + memMb
        + "M time="
        + time;
  }
}
