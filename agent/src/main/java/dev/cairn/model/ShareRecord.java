package dev.cairn.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One cluster's share of a run that routes trials to clusters, as its agent writes it in the store:
 * live at {@code runs/<commit>/clusters/<cluster>/status.json} while it runs (no outputs), and once
 * at {@code .../end.json} when it has ended (with a conditional write, so a share ends exactly
 * once: by its agent, or by another agent giving a quiet cluster up). Whoever can write the bucket
 * can write one, so the reader checks it against the run's own plan before using it.
 *
 * @param state the share's state as its agent's run record holds it
 * @param jobs the share's trials, as its agent last saw them
 * @param givenUp set where another agent ended the share for a cluster that went quiet: why
 * @param writtenBy the agent id that wrote the record
 * @param outputs in an end record: every file of each output of the share's trials, uploaded to the
 *     DVC remote before the record was written
 * @param files in an end record: the rendered scripts and TerraTorch configs of the share's trials,
 *     by their path in the results folder ({@code scripts/<trial>.sh})
 */
public record ShareRecord(
    int schema,
    String commit,
    int attempt,
    String runId,
    String cluster,
    @Nullable String scheduler,
    RunState state,
    @Nullable String message,
    String updatedAt,
    List<JobRecord> jobs,
    @Nullable String givenUp,
    String writtenBy,
    Map<String, List<OutputEntry>> outputs,
    Map<String, String> files) {

  public static final int SCHEMA = 1;

  /** The most a share record may hold in the store (scripts of a large sweep included). */
  public static final long MAX_BYTES = 32L << 20;

  public ShareRecord {
    Objects.requireNonNull(commit, "a share record without its commit");
    Objects.requireNonNull(runId, "a share record without its run id");
    Objects.requireNonNull(cluster, "a share record without its cluster");
    Objects.requireNonNull(state, "a share record without its state");
    Objects.requireNonNull(updatedAt, "a share record without its time");
    Objects.requireNonNull(writtenBy, "a share record without its writer");
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
    Map<String, List<OutputEntry>> out = new LinkedHashMap<>();
    if (outputs != null) {
      outputs.forEach((k, v) -> out.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    outputs = java.util.Collections.unmodifiableMap(out);
    files =
        files == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }
}
