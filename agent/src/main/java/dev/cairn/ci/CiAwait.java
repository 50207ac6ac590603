package dev.cairn.ci;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.RunFailedException;
import dev.cairn.Untrusted;
import dev.cairn.config.AgentSettings;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.model.JobRecord;
import dev.cairn.model.JobState;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.results.Stores;
import dev.cairn.results.Table;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import dev.cairn.trigger.RepoMirror;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code ci await}'s client: follows the run of a commit in the store until it ends, verifies a
 * success against its results commit, and writes the JUnit, dotenv, run and metrics reports.
 */
public final class CiAwait {
  /** What {@code ci await} was asked; see its options for each one's meaning and default. */
  public record Options(
      @Nullable String commit,
      Path config,
      @Nullable String timeout,
      Path junit,
      Path dotenv,
      Path reportDir,
      Path metrics,
      int pollMax,
      @Nullable String repoUrl,
      Path gitDir,
      Path submitEnv,
      @Nullable Integer attempt,
      @Nullable Path settingsFile) {}

  private final Options options;

  private @Nullable AgentSettings settings;

  public CiAwait(Options options) {
    this.options = options;
  }

  /** Whether Git confirmed the status: only then does the dotenv report carry its values. */
  private boolean verified;

  /** The most characters of a job's err tail printed, on one line. */
  private static final int MAX_TAIL = 4000;

  /**
   * Follows the run until it ends or the timeout passes, printing to {@code out}; writes the
   * reports. Returns 0 when the run succeeded and Git confirms it; otherwise throws {@link
   * RunFailedException} with why.
   */
  public int await(PrintWriter out) throws IOException, InterruptedException {
    CiContext ci = CiContext.from(System.getenv(), options.commit(), "-");
    Duration limit = AwaitLines.limit(options.timeout(), options.config());
    AgentSettings settings =
        AgentSettings.load(options.settingsFile(), CiSubmit.storeOnly(System.getenv()));
    this.settings = settings;
    long deadline = System.nanoTime() + limit.toNanos();
    long pause = 2_000;
    String lastLine = null;
    RunStatus status = null;
    boolean announcedWait = false;
    try (ObjectStore store = Stores.open(settings)) {
      AwaitLines.say(
          out,
          "awaiting the run of commit "
              + ci.commit()
              + " in "
              + store.describe()
              + " (timeout "
              + AwaitLines.human(limit)
              + ")");
      AwaitLines.checkJobTimeout(out, limit);
      int expected = expectedAttempt(out, ci.commit());
      boolean announcedBad = false;
      while (true) {
        RunStatus read = null;
        try {
          Optional<StoredObject> object =
              store.get(StoreKeys.statusKey(ci.commit()), RunRequest.MAX_STATUS_BYTES);
          read =
              object.isEmpty()
                  ? null
                  : Json.MAPPER.readValue(object.get().content(), RunStatus.class);
        } catch (IOException e) {
          // unreadable, too large or not a status: nothing to believe, keep waiting
          if (!announcedBad) {
            AwaitLines.say(out, "cannot read the status yet: " + Untrusted.forLog(e.getMessage()));
            announcedBad = true;
          }
        }
        if (read != null && read.state() == null) {
          read = null;
        }
        if (read != null && AwaitLines.isCurrent(read, expected)) {
          status = read;
          String line = AwaitLines.progress(status);
          if (!line.equals(lastLine)) {
            AwaitLines.say(out, line);
            lastLine = line;
            pause = 2_000;
          }
          if (status.state().isTerminal()) {
            break;
          }
        } else if (!announcedWait) {
          AwaitLines.say(
              out, "waiting for the agent to pick up attempt " + expected + " of the request");
          announcedWait = true;
        }
        if (System.nanoTime() > deadline) {
          return finish(
              out,
              status,
              "timed out after "
                  + AwaitLines.human(limit)
                  + " with the run "
                  + (status == null
                      ? "never picked up by an agent (is it running and watching this store?)"
                      : "still " + status.state()));
        }
        Thread.sleep(pause);
        pause = Math.min(options.pollMax() * 1000L, pause * 3 / 2);
      }
    }
    // the loop above ends only on a terminal status (or returns on the timeout)
    RunStatus ended = Objects.requireNonNull(status, "a terminal status");
    if (ended.state() == RunState.SUCCEEDED) {
      String why = verify(settings, ended, ci.commit());
      if (why != null) {
        return finish(
            out, null, "status.json says SUCCEEDED, but " + why + "; the outcome is not trusted");
      }
      verified = true;
      AwaitLines.say(
          out, "verified: results commit " + ended.resultsCommit() + " records this outcome");
    }
    return finish(out, ended, null);
  }

  /** The attempt to wait for: --attempt, else what this pipeline's {@code ci submit} handed on. */
  private int expectedAttempt(PrintWriter out, String commit) throws IOException {
    Integer attempt = options.attempt();
    if (attempt != null) {
      if (attempt < 1 || attempt > RunRequest.MAX_ATTEMPT) {
        throw new CairnException(
            "--attempt " + attempt + " is not from 1 to " + RunRequest.MAX_ATTEMPT);
      }
      return attempt;
    }
    Optional<Integer> submitted =
        AwaitLines.submittedAttempt(System.getenv(), options.submitEnv(), commit);
    if (submitted.isEmpty()) {
      AwaitLines.say(
          out,
          "no attempt handed on by `ci submit` ("
              + CiSubmit.ATTEMPT
              + " for this commit, in the environment or "
              + options.submitEnv()
              + "); waiting for attempt 1 or later");
    }
    return submitted.orElse(1);
  }

  /** Null when Git confirms a successful status, else why not. */
  private @Nullable String verify(AgentSettings settings, RunStatus status, String commit) {
    ResultsRemote remote = ResultsRemote.of(settings, options.repoUrl());
    if (remote == null) {
      return "no repository to verify its results commit in; set CAIRN_REPO_REMOTE or pass"
          + " --repo-url (GitLab sets CI_REPOSITORY_URL)";
    }
    try (GitAuth using = remote.auth();
        GitClone clone = GitClone.open(options.gitDir(), remote.url(), using)) {
      return CiVerify.reject(new RepoMirror(clone), status, commit, settings.resultsBranch());
    } catch (CairnException e) {
      return "the results commit cannot be verified: " + e.getMessage();
    }
  }

  /** The run's report, read from its results commit where the repository can be fetched. */
  private void writeReport(PrintWriter out, RunStatus status) throws IOException {
    ResultsRemote remote =
        settings == null || status.resultsCommit() == null
            ? null
            : ResultsRemote.of(settings, options.repoUrl());
    if (remote != null) {
      try (GitAuth using = remote.auth();
          GitClone clone = GitClone.open(options.gitDir(), remote.url(), using)) {
        clone.fetch();
        CiRunReport.write(out, status, clone, options.reportDir(), options.metrics());
        return;
      } catch (CairnException e) {
        out.println("cairn: cannot fetch the results for the run's report: " + e.getMessage());
      }
    }
    CiRunReport.write(out, status, null, options.reportDir(), options.metrics());
  }

  private int finish(PrintWriter out, @Nullable RunStatus status, @Nullable String failure)
      throws IOException {
    out.println();
    if (status != null) {
      out.println(Table.render(status));
      for (JobRecord job : status.jobs()) {
        if (job.state() != JobState.COMPLETED && job.errTail() != null) {
          out.println();
          out.println(
              "---- " + Untrusted.forLog(job.trial()) + ": last lines of its err file ----");
          // anyone's text until verified: one line, so that it cannot print a line of its own
          out.println("> " + Untrusted.forLog(job.errTail(), MAX_TAIL));
        }
      }
    }
    if (status != null && status.state().isTerminal() && !status.jobs().isEmpty()) {
      try {
        writeReport(out, status);
      } catch (IOException | RuntimeException | LinkageError e) {
        out.println("cairn: cannot write the run's report: " + e);
      }
    }
    CiReports.write(options.junit(), CiReports.junit(status, failure));
    // only what Git confirmed reaches later jobs: a status that was not verified gives none of it
    CiReports.write(
        options.dotenv(), CiReports.dotenv(failure == null && verified ? status : null));
    out.flush();
    if (failure != null) {
      throw new RunFailedException(failure);
    }
    if (status == null) {
      throw new IllegalStateException("finish needs a status or a failure");
    }
    if (status.state() == RunState.SUCCEEDED) {
      out.println("cairn: run " + Untrusted.forLog(status.runId()) + " succeeded");
      out.flush();
      return 0;
    }
    throw new RunFailedException(
        "run "
            + Untrusted.forLog(status.runId())
            + " "
            + status.state()
            + ": "
            + Untrusted.forLog(status.message()));
  }
}
