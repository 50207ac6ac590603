package dev.cairn.report;

import dev.cairn.CairnException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.jspecify.annotations.Nullable;

/**
 * The runs of a branch, read from Git alone: every {@code results/<run-id>/run.json} at the
 * branch's head, each with the results commit that added it (found in the branch's history by its
 * message, {@code Results of <run-id>: ...}). Finds a run by name and picks a run's baseline.
 */
public final class RunHistory {
  private static final int MAX_RUN_JSON = 4 << 20;
  private static final int MAX_COMMITS = 20_000;

  private RunHistory() {}

  /** The runs at {@code head}, oldest first (by finishing time). */
  public static List<RunReport> read(Repository repo, AnyObjectId head) throws IOException {
    Map<String, String> commits = resultsCommits(repo, head);
    List<RunReport> runs = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(head).getTree());
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create("results"));
      while (tree.next()) {
        String[] parts = tree.getPathString().split("/");
        if (parts.length != 3 || !parts[2].equals("run.json")) {
          continue;
        }
        byte[] json = reader.open(tree.getObjectId(0)).getCachedBytes(MAX_RUN_JSON);
        try {
          RunReport run = RunRecords.parse(json, null, parts[1]);
          runs.add(run.withResultsCommit(commits.get(run.runId())));
        } catch (IOException e) {
          // a run.json that is not JSON is not a run of ours; the others are still listed
        }
      }
    }
    runs.sort(
        Comparator.comparing((RunReport r) -> r.finishedAt() == null ? "" : r.finishedAt())
            .thenComparing(r -> r.runId() == null ? "" : r.runId()));
    return runs;
  }

  /** The newest results commit of each run id in the history of {@code head}. */
  private static Map<String, String> resultsCommits(Repository repo, AnyObjectId head)
      throws IOException {
    Map<String, String> result = new HashMap<>();
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      int seen = 0;
      for (RevCommit c : walk) {
        String subject = c.getShortMessage();
        if (subject.startsWith("Results of ")) {
          int colon = subject.indexOf(':');
          String id = (colon < 0 ? subject.substring(11) : subject.substring(11, colon)).strip();
          result.putIfAbsent(id, c.getName());
        }
        if (++seen >= MAX_COMMITS) {
          break;
        }
      }
    }
    return result;
  }

  /**
   * The run a name means: a run id, or a unique prefix of a run id, config commit or results
   * commit; null when none matches.
   *
   * @throws CairnException when the name matches several runs
   */
  public static @Nullable RunReport find(List<RunReport> runs, String name) {
    for (RunReport r : runs) {
      if (name.equals(r.runId())) {
        return r;
      }
    }
    List<RunReport> matches = new ArrayList<>();
    for (RunReport r : runs) {
      if (starts(r.runId(), name)
          || (name.length() >= 4
              && (starts(r.configCommit(), name) || starts(r.resultsCommit(), name)))) {
        matches.add(r);
      }
    }
    if (matches.size() > 1) {
      throw new CairnException(
          "'"
              + name
              + "' names "
              + matches.size()
              + " runs ("
              + String.join(", ", matches.stream().map(RunReport::runId).toList())
              + "); give more of the id or sha");
    }
    return matches.isEmpty() ? null : matches.get(0);
  }

  /**
   * The baseline of {@code run}: the run its {@code BASELINE} names, else the newest successful run
   * that finished before it; null when there is none.
   */
  public static @Nullable RunReport baselineOf(RunReport run, List<RunReport> history) {
    List<RunReport> others =
        history.stream().filter(r -> r.runId() != null && !r.runId().equals(run.runId())).toList();
    if (run.baseline() != null && !run.baseline().isBlank()) {
      try {
        return find(others, run.baseline());
      } catch (CairnException e) {
        return null;
      }
    }
    RunReport best = null;
    for (RunReport r : others) {
      boolean earlier =
          run.finishedAt() == null
              || r.finishedAt() == null
              || r.finishedAt().compareTo(run.finishedAt()) <= 0;
      if ("SUCCEEDED".equals(r.state()) && earlier) {
        best = r;
      }
    }
    return best;
  }

  private static boolean starts(@Nullable String value, String prefix) {
    return value != null && value.startsWith(prefix);
  }
}
