package dev.cairn.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.NotFoundException;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds a run in the store by what a person types: a run id ({@code
 * 20261125-prithvi-demo-74e2f8e9aa11-a1}), a full commit or any unique prefix of one; and lists the
 * runs whose status the agent wrote.
 */
public final class RunLookup {
  /** At most this many status files are read for a listing. */
  public static final int MAX_LISTED = 1000;

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{4,40}");
  private static final Pattern RUN_ID = Pattern.compile("\\d{8}-.+-([0-9a-f]{8,40})(?:-a\\d+)?");

  private final ObjectStore store;

  public RunLookup(ObjectStore store) {
    this.store = store;
  }

  /** A commit the store knows, and its status (null while no agent has picked it up). */
  public record Found(String commit, @Nullable RunStatus status) {}

  public Found find(String runOrCommit) throws IOException {
    String arg = runOrCommit.strip();
    String runId = null;
    String prefix;
    if (SHA.matcher(arg).matches()) {
      prefix = arg.toLowerCase(java.util.Locale.ROOT);
    } else {
      Matcher m = RUN_ID.matcher(arg);
      if (!m.matches()) {
        throw new CairnException(
            "'"
                + arg
                + "' is neither a run id (such as 20261125-my-experiment-74e2f8e9aa11-a1) nor a commit"
                + " (4 to 40 hex digits); `agent.jar status` lists the runs");
      }
      runId = arg;
      prefix = m.group(1);
    }
    Set<String> commits = new TreeSet<>();
    for (String top : new String[] {"runs/", "requests/"}) {
      for (ObjectStore.ObjectInfo o : store.list(top + prefix, null)) {
        String[] parts = o.key().split("/");
        if (parts.length >= 3) {
          commits.add(parts[1]);
        }
      }
    }
    if (runId != null && commits.size() > 1) {
      String id = runId;
      Set<String> named = new TreeSet<>();
      for (String c : commits) {
        status(c).filter(s -> id.equals(s.runId())).ifPresent(s -> named.add(c));
      }
      commits = named.isEmpty() ? commits : named;
    }
    if (commits.isEmpty()) {
      throw new NotFoundException(
          "no run for "
              + arg
              + " in "
              + store.describe()
              + "; `agent.jar status` lists the runs, or check whether CI submitted the commit");
    }
    if (commits.size() > 1) {
      throw new CairnException(
          arg
              + " matches "
              + commits.size()
              + " commits ("
              + String.join(", ", commits.stream().limit(5).toList())
              + (commits.size() > 5 ? ", ..." : "")
              + "); give more of the sha");
    }
    String commit = commits.iterator().next();
    return new Found(commit, status(commit).orElse(null));
  }

  public Optional<RunStatus> status(String commit) throws IOException {
    var object = store.get(StoreKeys.statusKey(commit), RunRequest.MAX_STATUS_BYTES);
    if (object.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Json.MAPPER.readValue(object.get().content(), RunStatus.class));
  }

  /** The status of every run in the store, up to {@link #MAX_LISTED}. */
  public List<RunStatus> all() throws IOException {
    List<RunStatus> runs = new ArrayList<>();
    for (ObjectStore.ObjectInfo o : store.list("runs/", null)) {
      if (!o.key().endsWith("/status.json") || runs.size() >= MAX_LISTED) {
        continue;
      }
      try {
        var object = store.get(o.key(), RunRequest.MAX_STATUS_BYTES);
        if (object.isPresent()) {
          runs.add(Json.MAPPER.readValue(object.get().content(), RunStatus.class));
        }
      } catch (ObjectTooLargeException | JsonProcessingException e) {
        // a status another writer broke or bloated is left out of the listing, not fatal
      }
    }
    return runs;
  }
}
