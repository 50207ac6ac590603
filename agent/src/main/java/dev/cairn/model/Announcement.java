package dev.cairn.model;

import dev.cairn.Untrusted;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What an agent says of itself in {@code agents/<cluster>/<agent-id>.json}: which cluster it
 * serves, on which scheduler, what it can run there, and when it was last seen. {@code ci submit}
 * reads them to refuse a config that routes trials to a cluster nobody serves; a run waits on a
 * cluster's trials only while its agent was seen lately.
 *
 * @param schema {@link #SCHEMA}
 * @param agentId the agent's id, kept in its state folder across restarts
 * @param host the host name the agent runs on
 * @param scheduler the scheduler it runs its share on ({@code slurm}, {@code lsf}, {@code local})
 * @param version the agent's version
 * @param startedAt ISO-8601 UTC instant the agent started
 * @param lastSeen ISO-8601 UTC instant of this announcement
 * @param partitions the partitions (SLURM) or queues (LSF) its scheduler lists; empty where it has
 *     none or could not say
 * @param maxArraySize the most elements one job array may have there; 0 where it runs no arrays
 *     <p>Whoever can write the bucket can write one of these: {@link #problem()} rejects what is
 *     malformed, and a reader only shows or compares the fields.
 */
public record Announcement(
    int schema,
    String cluster,
    String agentId,
    @Nullable String host,
    @Nullable String scheduler,
    @Nullable String version,
    @Nullable String startedAt,
    String lastSeen,
    List<String> partitions,
    int maxArraySize) {

  public static final int SCHEMA = 1;

  /** The most bytes a reader reads of one announcement. */
  public static final int MAX_BYTES = 16 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern AGENT_ID = Pattern.compile("[0-9a-f-]{1,64}");
  private static final int MAX_PARTITIONS = 256;

  public Announcement {
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
  }

  /** Why the announcement is malformed, or null when every field has its form. */
  public @Nullable String problem() {
    if (schema != SCHEMA) {
      return "schema " + schema + " is not " + SCHEMA;
    }
    if (cluster == null || !NAME.matcher(cluster).matches()) {
      return "cluster " + quoted(cluster) + " is not a cluster name";
    }
    if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
      return "agent_id " + quoted(agentId) + " is not an agent id";
    }
    if (lastSeenInstant() == null) {
      return "last_seen " + quoted(lastSeen) + " is not an ISO-8601 instant";
    }
    if (scheduler != null && !NAME.matcher(scheduler).matches()) {
      return "scheduler " + quoted(scheduler) + " is not a scheduler name";
    }
    if (partitions.size() > MAX_PARTITIONS) {
      return partitions.size() + " partitions, more than " + MAX_PARTITIONS;
    }
    for (String p : partitions) {
      if (p == null || !NAME.matcher(p).matches()) {
        return "partition " + quoted(p) + " is not a partition name";
      }
    }
    if (maxArraySize < 0) {
      return "max_array_size " + maxArraySize + " is negative";
    }
    return null;
  }

  /** {@link #lastSeen} as an instant, or null where it is not one. */
  public @Nullable Instant lastSeenInstant() {
    if (lastSeen == null) {
      return null;
    }
    try {
      return Instant.parse(lastSeen);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String quoted(@Nullable String text) {
    return text == null ? "(missing)" : "'" + Untrusted.forLog(text, 80) + "'";
  }
}
