package dev.cairn.notify;

import dev.cairn.Faults;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.StoreKeys;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Delivers one outbox entry step by step, saving each step as it succeeds so a crash or a failure
 * repeats none that is done: the {@code cairn} commit status, each trial's status (where asked),
 * then for a run that ended its merge-request notes (charts uploaded first) and the chat webhook.
 */
final class Courier {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Courier.class);
  static final String NAME = "cairn";

  private final @Nullable GitlabClient gitlab;
  private final @Nullable Webhook webhook;
  private final @Nullable ReportSource reports;
  private final Outbox outbox;
  private final boolean taskStatuses;
  private final Links links;
  private final Metrics metrics;
  private final Faults faults;

  /**
   * @param webhook null when off
   * @param reports null where the agent has no clone: notes then hold no report
   */
  Courier(
      @Nullable GitlabClient gitlab,
      @Nullable Webhook webhook,
      @Nullable ReportSource reports,
      Outbox outbox,
      boolean taskStatuses,
      Links links,
      Metrics metrics,
      Faults faults) {
    this.metrics = metrics;
    this.faults = faults;
    this.gitlab = gitlab;
    this.webhook = webhook;
    this.reports = reports;
    this.outbox = outbox;
    this.taskStatuses = taskStatuses;
    this.links = links;
  }

  /** Which request a failure came from, for the metric. */
  static final class Failure extends IOException {
    final String kind;
    final GitlabException cause;

    Failure(String kind, GitlabException cause) {
      super(cause.getMessage(), cause);
      this.kind = kind;
      this.cause = cause;
    }

    static Failure of(String kind, IOException e) {
      return new Failure(
          kind,
          e instanceof GitlabException g
              ? g
              : new GitlabException(502, "unreadable answer: " + e.getMessage(), null));
    }
  }

  /** Delivers {@code e}; null when done or when a newer post replaced it meanwhile. */
  @Nullable Entry deliver(Entry e) throws Failure, InterruptedException {
    Post want =
        Objects.requireNonNull(e.want(), "only an entry with a post to deliver is delivered");
    GitlabClient gitlab = this.gitlab;
    if (gitlab != null) {
      e = statuses(gitlab, e, want);
      if (e == null) {
        return null;
      }
    }
    if (want.isFinal() && !e.noted()) {
      e = gitlab == null ? outbox.update(e, Entry::markNoted) : note(gitlab, e, want);
      if (e == null) {
        return null;
      }
    }
    if (want.isFinal() && !e.hooked()) {
      if (webhook != null) {
        try {
          webhook.post(want, links.report(want));
          metrics.gitlabPosted("webhook");
        } catch (IOException ex) {
          throw Failure.of("webhook", ex);
        }
      }
      e = outbox.update(e, Entry::markHooked);
      if (e == null) {
        return null;
      }
    }
    outbox.update(e, Entry::delivered);
    return null;
  }

  private @Nullable Entry statuses(GitlabClient gitlab, Entry e, Post want)
      throws Failure, InterruptedException {
    Post shown = e.shown();
    boolean sameAttempt = shown != null && shown.attempt() == want.attempt();
    Map<String, String> shownTasks =
        new LinkedHashMap<>(shown != null && sameAttempt ? shown.tasks() : Map.of());
    if (shown == null || !sameAttempt || !want.state().equals(shown.state())) {
      if (want.isFinal()) {
        faults.at("gitlab-final-status");
      }
      postStatus(gitlab, want, want.state(), NAME, want.description());
      Post now = withTasks(want, shownTasks);
      e = outbox.update(e, x -> x.showing(now));
      if (e == null) {
        return null;
      }
    }
    for (Map.Entry<String, String> task : want.tasks().entrySet()) {
      if (task.getValue().equals(shownTasks.get(task.getKey()))) {
        continue;
      }
      if (taskStatuses) {
        postStatus(
            gitlab,
            want,
            task.getValue(),
            NAME + "/" + task.getKey(),
            task.getKey() + ": " + task.getValue());
      }
      shownTasks.put(task.getKey(), task.getValue());
      Post now = withTasks(want, shownTasks);
      e = outbox.update(e, x -> x.showing(now));
      if (e == null) {
        return null;
      }
    }
    return e;
  }

  /**
   * Posts one commit status. GitLab answers 400 to a transition its state machine refuses (the
   * status already ended, or holds this state): retrying cannot change that, so it counts as shown.
   */
  private void postStatus(
      GitlabClient gitlab, Post want, String state, String name, String description)
      throws Failure, InterruptedException {
    try {
      String target = links.report(want);
      // the API takes a target_url of at most 255 characters: a longer link goes in the note only
      gitlab.postStatus(
          want.commit(),
          state,
          name,
          want.ref(),
          description,
          target != null && target.length() <= Post.DESCRIPTION_MAX ? target : null);
      metrics.gitlabPosted("status");
    } catch (GitlabException ex) {
      if (ex.status() != 400) {
        throw Failure.of("status", ex);
      }
      metrics.gitlabFailed("status", "400");
      log.warn(
          "run {}: GitLab refused status {} of {}: {}", want.runId(), state, name, ex.getMessage());
    } catch (IOException ex) {
      throw Failure.of("status", ex);
    }
  }

  private @Nullable Entry note(GitlabClient gitlab, Entry e, Post want)
      throws Failure, InterruptedException {
    String kind = "note";
    try {
      List<Long> mergeRequests = gitlab.openMergeRequests(want.commit());
      if (!mergeRequests.isEmpty()) {
        String folder = StoreKeys.resultsDir(want.runId());
        Map<String, byte[]> files = report(want, folder);
        String report = NoteBody.text(files.get(folder + "/report.md"));
        if (report != null) {
          for (Map.Entry<String, String> chart : NoteBody.charts(report).entrySet()) {
            byte[] png = files.get(folder + "/" + chart.getValue());
            if (png == null || e.uploads().containsKey(chart.getKey())) {
              continue;
            }
            kind = "upload";
            String url = gitlab.upload(chart.getKey(), png);
            metrics.gitlabPosted("upload");
            kind = "note";
            e = outbox.update(e, x -> x.uploaded(chart.getKey(), url));
            if (e == null) {
              return null;
            }
          }
        }
        String body = NoteBody.render(want, report, e.uploads(), links.report(want));
        for (long iid : mergeRequests) {
          Long note = gitlab.findNote(iid, NoteBody.MARKER);
          if (note == null) {
            gitlab.createNote(iid, body);
          } else {
            gitlab.updateNote(iid, note, body);
          }
          metrics.gitlabPosted("note");
        }
      }
    } catch (IOException ex) {
      throw Failure.of(kind, ex);
    }
    return outbox.update(e, Entry::markNoted);
  }

  private Map<String, byte[]> report(Post want, String folder) {
    String commit = want.resultsCommit();
    if (reports == null || commit == null) {
      return Map.of();
    }
    try {
      return reports.read(commit, folder);
    } catch (RuntimeException ex) {
      // the note goes out without the report rather than not at all
      log.warn(
          "run {}: cannot read its report for the merge request: {}", want.runId(), ex.toString());
      return Map.of();
    }
  }

  private static Post withTasks(Post p, Map<String, String> tasks) {
    return new Post(
        p.commit(),
        p.ref(),
        p.runId(),
        p.attempt(),
        p.state(),
        p.runState(),
        p.description(),
        p.resultsCommit(),
        tasks);
  }
}
