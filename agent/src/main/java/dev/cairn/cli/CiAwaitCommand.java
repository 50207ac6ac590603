package dev.cairn.cli;

import dev.cairn.CairnException;
import dev.cairn.Json;
import dev.cairn.Untrusted;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.publish.JobRecord;
import dev.cairn.publish.RunState;
import dev.cairn.publish.RunStatus;
import dev.cairn.render.TemplateSet;
import dev.cairn.scheduler.JobState;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import dev.cairn.trigger.RepoMirror;
import dev.cairn.trigger.RunRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
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
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
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
      names = "--settings",
      paramLabel = "FILE",
      description = "Agent-style settings file for CAIRN_STORE (the environment wins).")
  Path settingsFile;

  private AgentSettings settings;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CiContext ci = CiContext.from(System.getenv(), commit, "-");
    Duration limit = limit();
    AgentSettings settings =
        AgentSettings.load(settingsFile, CiSubmitCommand.storeOnly(System.getenv()));
    this.settings = settings;
    long deadline = System.nanoTime() + limit.toNanos();
    long pause = 2_000;
    String lastLine = null;
    RunStatus status = null;
    boolean announcedWait = false;
    try (ObjectStore store = Wiring.openStore(settings)) {
      say(
          out,
          "awaiting the run of commit "
              + ci.commit()
              + " in "
              + store.describe()
              + " (timeout "
              + human(limit)
              + ")");
      checkJobTimeout(out, limit);
      int expected = requestedAttempt(store, ci.commit());
      boolean announcedBad = false;
      while (true) {
        RunStatus read = null;
        try {
          Optional<StoredObject> object =
              store.get(RunRequest.statusKey(ci.commit()), RunRequest.MAX_STATUS_BYTES);
          read =
              object.isEmpty()
                  ? null
                  : Json.MAPPER.readValue(object.get().content(), RunStatus.class);
        } catch (IOException e) {
          // unreadable, too large or not a status: nothing to believe, keep waiting
          if (!announcedBad) {
            say(out, "cannot read the status yet: " + Untrusted.forLog(e.getMessage()));
            announcedBad = true;
          }
        }
        if (read != null && read.state() == null) {
          read = null;
        }
        if (read != null && isCurrent(read, expected)) {
          status = read;
          String line = progress(status);
          if (!line.equals(lastLine)) {
            say(out, line);
            lastLine = line;
            pause = 2_000;
          }
          if (status.state().isTerminal()) {
            break;
          }
        } else if (!announcedWait) {
          say(out, "waiting for the agent to pick up attempt " + expected + " of the request");
          announcedWait = true;
        }
        if (System.nanoTime() > deadline) {
          return finish(
              out,
              status,
              "timed out after "
                  + human(limit)
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
      say(out, "verified: results commit " + status.resultsCommit() + " records this outcome");
    }
    return finish(out, status, null);
  }

  /** Null when Git confirms a successful status, else why not. */
  private String verify(AgentSettings settings, RunStatus status, String commit) {
    ResultsRemote remote = resultsRemote(settings);
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

  /** Where results are read from: a URL and the credentials for it. */
  private record ResultsRemote(String url, GitAuth auth) {}

  /**
   * The experiment repository that results are read from: {@code --repo-url}, else
   * CAIRN_REPO_REMOTE (with the agent's Git credentials), else CI_REPOSITORY_URL; null when none.
   */
  private ResultsRemote resultsRemote(AgentSettings settings) {
    Map<String, String> env = System.getenv();
    String url = repoUrl;
    GitAuth auth = GitAuth.none();
    if (url == null && !settings.repoRemote().isBlank()) {
      url = settings.repoRemote();
      if (env.get(settings.gitTokenEnv()) != null || settings.gitSshKey() != null) {
        auth =
            GitAuth.forUrl(
                url,
                settings.gitUser(),
                settings.gitTokenEnv(),
                settings.gitSshKey(),
                null,
                true,
                env);
      }
    }
    if (url == null) {
      url = env.get("CI_REPOSITORY_URL");
    }
    return url == null || url.isBlank() ? null : new ResultsRemote(url, auth);
  }

  /** The run's report, read from its results commit where the repository can be fetched. */
  private void writeReport(PrintWriter out, RunStatus status) throws IOException {
    ResultsRemote remote =
        settings == null || status.resultsCommit() == null ? null : resultsRemote(settings);
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
          out.println(job.errTail().replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "?"));
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
    CiReports.write(dotenv, CiReports.dotenv(failure == null ? status : null));
    out.flush();
    if (failure != null) {
      throw new CairnException(failure, 1, null);
    }
    if (status.state() == RunState.SUCCEEDED) {
      out.println("cairn: run " + status.runId() + " succeeded");
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

  /** The attempt CI asked for, from request.json; 1 when it is not there (yet). */
  static int requestedAttempt(ObjectStore store, String commit) {
    try {
      Optional<StoredObject> request = store.get(RunRequest.requestKey(commit));
      if (request.isPresent()) {
        RunRequest r = Json.MAPPER.readValue(request.get().content(), RunRequest.class);
        return r == null || r.problem() != null ? 1 : r.attemptOrFirst();
      }
    } catch (IOException e) {
      // read again as status; the attempt is then taken as the first
    }
    return 1;
  }

  /** A status left by an earlier attempt (before a rerun) is not the run this job waits for. */
  static boolean isCurrent(RunStatus status, int expectedAttempt) {
    return status.attempt() >= expectedAttempt;
  }

  /**
   * One line a person can follow: the run's state and each job's state, attempt and reason; for a
   * sweep of many trials, counts per state for each task.
   */
  static String progress(RunStatus s) {
    // a status is anyone's text until verified: no line breaks or terminal escapes in the job log
    StringBuilder sb =
        new StringBuilder("run ")
            .append(Untrusted.forLog(s.runId()))
            .append(": ")
            .append(s.state());
    if (s.jobs() == null) {
      return sb.toString();
    }
    if (s.jobs().isEmpty() && s.message() != null) {
      sb.append(" - ").append(Untrusted.forLog(s.message()));
    }
    if (s.jobs().size() > Table.MAX_ROWS) {
      Table.countsByTask(s)
          .forEach(
              (task, counts) ->
                  sb.append(" | ").append(Untrusted.forLog(task)).append(' ').append(counts));
      return sb.toString();
    }
    for (JobRecord j : s.jobs()) {
      sb.append(" | ").append(Untrusted.forLog(j.trial())).append(' ').append(j.state());
      if (j.attempts() > 1) {
        sb.append(" (attempt ").append(j.attempts()).append(')');
      }
      if (j.reason() != null && j.state() != JobState.COMPLETED) {
        sb.append(" [").append(Untrusted.forLog(j.reason())).append(']');
      }
    }
    return sb.toString();
  }

  private Duration limit() throws IOException {
    if (timeout != null) {
      return parseDuration(timeout);
    }
    if (Files.isRegularFile(config)) {
      TemplateSet set =
          Files.isRegularFile(Path.of("templates/job.sh.peb"))
              ? TemplateSet.fromDirectory(Path.of("templates"))
              : TemplateSet.bundled();
      try {
        ExperimentConfig cfg =
            ExperimentConfig.parse(Files.readAllBytes(config), config.toString(), set.tasks());
        return cfg.timeLimit().multipliedBy(cfg.maxAttempts()).plusMinutes(30);
      } catch (CairnException e) {
        // the agent will reject it; the run ends quickly
      }
    }
    return Duration.ofHours(6);
  }

  /** GitLab kills a job at its own timeout; say so when that comes before the run's. */
  private static void checkJobTimeout(PrintWriter out, Duration limit) {
    String jobTimeout = System.getenv("CI_JOB_TIMEOUT");
    if (jobTimeout != null
        && jobTimeout.matches("\\d+")
        && Long.parseLong(jobTimeout) < limit.toSeconds()) {
      say(
          out,
          "warning: the job timeout ("
              + jobTimeout
              + " s) is shorter than the run may take ("
              + limit.toSeconds()
              + " s); raise `timeout:` of the await job in ci/.gitlab-ci.yml");
    }
  }

  static Duration parseDuration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(text.strip());
    if (!m.matches()) {
      throw new CairnException("--timeout '" + text + "' is not a duration; use 90s, 45m or 6h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? (s / 60) + "m" : s + "s";
  }

  private static void say(PrintWriter out, String line) {
    out.println("[" + LocalTime.now(ZoneOffset.UTC).format(CLOCK) + "] " + line);
    out.flush();
  }
}
