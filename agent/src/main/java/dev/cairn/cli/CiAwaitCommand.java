package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
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
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import dev.cairn.trigger.RepoMirror;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent.jar ci await}: follows the run of a commit until it ends; passes or fails the job.
 */
@Command(
    name = "await",
    mixinStandardHelpOptions = true,
    header = "Follow a commit's run until it ends; pass only when every task met its gate.",
    description = {
      "Poll runs/<commit>/status.json until the run ends, printing its progress and leaderboard; write",
      "a JUnit report, a dotenv report, the run's report (from its results commit) and a metrics",
      "report; exit 0 only when every task completed and met its quality gate."
    })
final class CiAwaitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--commit", paramLabel = "SHA", description = "Default: CI_COMMIT_SHA.")
  String commit;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "config/config.env",
      description = "The config, for the default timeout (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Give up after this long (90s, 45m, 6h). Default: MAX_ATTEMPTS x TIME_LIMIT + 30m from the config.")
  String timeout;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      defaultValue = "cairn-junit.xml",
      description = "Default: ${DEFAULT-VALUE}.")
  Path junit;

  @Option(
      names = "--dotenv",
      paramLabel = "FILE",
      defaultValue = "cairn.env",
      description = "Default: ${DEFAULT-VALUE}.")
  Path dotenv;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      defaultValue = "cairn-report",
      description = "Where report.md, report.html and charts/ go (default: ${DEFAULT-VALUE}).")
  Path reportDir;

  @Option(
      names = "--metrics",
      paramLabel = "FILE",
      defaultValue = "metrics.txt",
      description = "GitLab metrics report, Prometheus text format (default: ${DEFAULT-VALUE}).")
  Path metrics;

  @Option(
      names = "--poll-max",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "Longest pause between polls (default: ${DEFAULT-VALUE}).")
  int pollMax;

  @Option(
      names = "--repo-url",
      paramLabel = "URL",
      description =
          "The experiment repository, to verify the results commit in. Default: CAIRN_REPO_REMOTE,"
              + " else CI_REPOSITORY_URL.")
  String repoUrl;

  @Option(
      names = "--git-dir",
      paramLabel = "DIR",
      defaultValue = ".cairn/results.git",
      description = "A clone kept for that check (default: ${DEFAULT-VALUE}).")
  Path gitDir;

  @Option(
      names = "--submit-env",
      paramLabel = "FILE",
      defaultValue = "cairn-submit.env",
      description =
          "The dotenv file `ci submit` wrote, naming the attempt to wait for (CAIRN_ATTEMPT; the"
              + " environment wins; default: ${DEFAULT-VALUE}).")
  Path submitEnv;

  @Option(
      names = "--attempt",
      paramLabel = "N",
      description = "The attempt to wait for, where no `ci submit` of this pipeline names it.")
  Integer attempt;

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description = "Agent-style settings file for CAIRN_STORE (the environment wins).")
  Path settingsFile;

  private AgentSettings settings;

  /** Whether Git confirmed the status: only then does the dotenv report carry its values. */
  private boolean verified;

  /** The most characters of a job's err tail printed, on one line. */
  private static final int MAX_TAIL = 4000;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CiContext ci = CiContext.from(System.getenv(), commit, "-");
    Duration limit = AwaitLines.limit(timeout, config);
    AgentSettings settings =
        AgentSettings.load(settingsFile, CiSubmitCommand.storeOnly(System.getenv()));
    this.settings = settings;
    long deadline = System.nanoTime() + limit.toNanos();
    long pause = 2_000;
    String lastLine = null;
    RunStatus status = null;
    boolean announcedWait = false;
    try (ObjectStore store = Wiring.openStore(settings)) {
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
        pause = Math.min(pollMax * 1000L, pause * 3 / 2);
      }
    }
    if (status.state() == RunState.SUCCEEDED) {
      String why = verify(settings, status, ci.commit());
      if (why != null) {
        return finish(
            out, null, "status.json says SUCCEEDED, but " + why + "; the outcome is not trusted");
      }
      verified = true;
      AwaitLines.say(
          out, "verified: results commit " + status.resultsCommit() + " records this outcome");
    }
    return finish(out, status, null);
  }

  /** The attempt to wait for: --attempt, else what this pipeline's {@code ci submit} handed on. */
  private int expectedAttempt(PrintWriter out, String commit) throws IOException {
    if (attempt != null) {
      if (attempt < 1 || attempt > RunRequest.MAX_ATTEMPT) {
        throw new CairnException(
            "--attempt " + attempt + " is not from 1 to " + RunRequest.MAX_ATTEMPT, 2, null);
      }
      return attempt;
    }
    Optional<Integer> submitted = AwaitLines.submittedAttempt(System.getenv(), submitEnv, commit);
    if (submitted.isEmpty()) {
      AwaitLines.say(
          out,
          "no attempt handed on by `ci submit` ("
              + CiSubmitCommand.ATTEMPT
              + " for this commit, in the environment or "
              + submitEnv
              + "); waiting for attempt 1 or later");
    }
    return submitted.orElse(1);
  }

  /** Null when Git confirms a successful status, else why not. */
  private String verify(AgentSettings settings, RunStatus status, String commit) {
    ResultsRemote remote = ResultsRemote.of(settings, repoUrl);
    if (remote == null) {
      return "no repository to verify its results commit in; set CAIRN_REPO_REMOTE or pass"
          + " --repo-url (GitLab sets CI_REPOSITORY_URL)";
    }
    try (GitAuth using = remote.auth();
        GitClone clone = GitClone.open(gitDir, remote.url(), using)) {
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
            : ResultsRemote.of(settings, repoUrl);
    if (remote != null) {
      try (GitAuth using = remote.auth();
          GitClone clone = GitClone.open(gitDir, remote.url(), using)) {
        clone.fetch();
        CiRunReport.write(out, status, clone, reportDir, metrics);
        return;
      } catch (CairnException e) {
        out.println("cairn: cannot fetch the results for the run's report: " + e.getMessage());
      }
    }
    CiRunReport.write(out, status, null, reportDir, metrics);
  }

  private int finish(PrintWriter out, RunStatus status, String failure) throws IOException {
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
    CiReports.write(junit, CiReports.junit(status, failure));
    // only what Git confirmed reaches later jobs: a status that was not verified gives none of it
    CiReports.write(dotenv, CiReports.dotenv(failure == null && verified ? status : null));
    out.flush();
    if (failure != null) {
      throw new CairnException(failure, 1, null);
    }
    if (status.state() == RunState.SUCCEEDED) {
      out.println("cairn: run " + Untrusted.forLog(status.runId()) + " succeeded");
      out.flush();
      return 0;
    }
    throw new CairnException(
        "run "
            + Untrusted.forLog(status.runId())
            + " "
            + status.state()
            + ": "
            + Untrusted.forLog(status.message()),
        1,
        null);
  }
}
