package dev.cairn.daemon;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.Faults;
import dev.cairn.Version;
import dev.cairn.agent.Agent;
import dev.cairn.agent.AgentParts;
import dev.cairn.agent.RunObserver;
import dev.cairn.config.AgentSettings;
import dev.cairn.dvc.DvcConfig;
import dev.cairn.git.GitAuth;
import dev.cairn.git.GitClone;
import dev.cairn.git.GitPublisher;
import dev.cairn.metrics.Health;
import dev.cairn.metrics.MeteredCommandRunner;
import dev.cairn.metrics.MeteredObjectStore;
import dev.cairn.metrics.PrometheusMetrics;
import dev.cairn.metrics.StatusServer;
import dev.cairn.metrics.Webhook;
import dev.cairn.model.RunRecord;
import dev.cairn.model.StoreKeys;
import dev.cairn.notify.Notifier;
import dev.cairn.notify.ReportSource;
import dev.cairn.publish.ResultsPublisher;
import dev.cairn.publish.RunPublisher;
import dev.cairn.render.CommitRenderers;
import dev.cairn.render.ScriptRenderer;
import dev.cairn.render.Site;
import dev.cairn.render.TemplateSet;
import dev.cairn.results.Stores;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.scheduler.Schedulers;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.S3Location;
import dev.cairn.trigger.ProvenanceCheck;
import dev.cairn.trigger.RepoMirror;
import dev.cairn.trigger.RequestCheck;
import dev.cairn.trigger.SeedResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.jspecify.annotations.Nullable;

/**
 * Builds the agent's parts from its settings: the one place that knows them all. {@link #open}
 * opens the store and the repository clone; the constructor only keeps what it is given.
 */
public final class Wiring implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Wiring.class);
  private final AgentSettings settings;
  private final ObjectStore store;
  private final Schedulers schedulers;
  private final Agent agent;

  /** What this agent measures: its own registry, served at /metrics. */
  private final PrometheusMetrics metrics;

  /** The store without metrics, for the readiness check. */
  private final ObjectStore plainStore;

  /** The repository's credentials, its clone and the results commits; null without a remote. */
  private final @Nullable GitParts git;

  /** GitLab statuses, notes and the chat webhook; null where none is set. */
  private final @Nullable Notifier notifier;

  /** What the agent holds of its repository: credentials, the clone, and results commits. */
  private record GitParts(GitAuth auth, GitClone repo, GitPublisher publisher) {}

  private Wiring(
      AgentSettings settings,
      ObjectStore plainStore,
      ObjectStore store,
      PrometheusMetrics metrics,
      Schedulers schedulers,
      @Nullable GitParts git,
      @Nullable Notifier notifier,
      Agent agent) {
    this.settings = settings;
    this.plainStore = plainStore;
    this.store = store;
    this.metrics = metrics;
    this.schedulers = schedulers;
    this.git = git;
    this.notifier = notifier;
    this.agent = agent;
  }

  /**
   * Opens the parts the settings name: creates the state folder, opens the store, clones (or
   * fetches) the repository and extracts the demo trainer. Nothing runs yet: {@link #start} pushes
   * what a restart left and starts the notifier. What was opened is closed again when a later part
   * fails to open.
   */
  public static Wiring open(AgentSettings settings, Clock clock) throws IOException {
    if (settings.startProblem() != null) {
      throw new CairnException(settings.startProblem());
    }
    Files.createDirectories(settings.stateDir());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      return open(settings, clock, opened);
    } catch (IOException | RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  private static Wiring open(AgentSettings settings, Clock clock, List<AutoCloseable> opened)
      throws IOException {
    ObjectStore plainStore = Stores.open(settings);
    opened.add(plainStore);
    PrometheusMetrics metrics = new PrometheusMetrics(clock);
    Faults faults = Faults.fromEnvironment(System.getenv());
    ObjectStore store = new MeteredObjectStore(plainStore, metrics);
    Schedulers schedulers =
        new Schedulers(
            settings, clock, new MeteredCommandRunner(new ExecCommandRunner(), metrics), faults);
    opened.add(schedulers);
    ScriptRenderer renderer = renderer(settings);
    RequestCheck check = null;
    CommitRenderers commitRenderers = null;
    SeedResolver seeds = null;
    RunPublisher publisher = null;
    ReportSource reports = null;
    GitParts git = null;
    if (settings.repoRemote().isBlank()) {
      LOG.warn(
          "CAIRN_REPO_REMOTE is not set: requests are not checked against the repository and results are not committed");
    } else {
      GitAuth gitAuth =
          GitAuth.forUrl(
              settings.repoRemote(),
              settings.gitUser(),
              settings.gitTokenEnv(),
              settings.gitSshKey(),
              null,
              true,
              System.getenv());
      opened.add(gitAuth);
      GitClone clone = GitClone.open(settings.repoDir(), settings.repoRemote(), gitAuth);
      opened.add(clone);
      git =
          new GitParts(
              gitAuth,
              clone,
              new GitPublisher(clone, settings.gitAuthorName(), settings.gitAuthorEmail(), faults));
      publisher =
          new ResultsPublisher(
              store,
              dvcRemote(settings),
              git.publisher(),
              settings.resultsBranch(),
              Version.get(),
              renderer.templates().hashes(),
              clone,
              faults);
      RepoMirror mirror = new RepoMirror(clone);
      reports = mirror::readFolder;
      seeds = new SeedResolver(mirror, settings.allowedBranches(), clock);
      if (settings.requireProvenance()) {
        check = new ProvenanceCheck(mirror, settings.allowedBranches());
      }
      if ("commit".equals(settings.templatesSource())) {
        commitRenderers = new CommitRenderers(mirror::readFolder, renderer);
      }
    }
    Notifier notifier =
        Notifier.open(
            settings.gitlab(),
            settings.stateDir(),
            System.getenv(),
            reports,
            clock,
            metrics,
            faults);
    AgentParts parts =
        AgentParts.of(settings, store, schedulers, renderer, clock)
            .withGit(check, publisher, seeds)
            .withCommitRenderers(commitRenderers)
            .withInstruments(metrics, faults);
    Agent agent = new Agent(notifier == null ? parts : parts.withObserver(observer(notifier)));
    return new Wiring(settings, plainStore, store, metrics, schedulers, git, notifier, agent);
  }

  /** Closes what {@link #open} opened before it failed, last first; the failure keeps the rest. */
  private static void closeAll(List<AutoCloseable> opened, Exception failure) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Starts what runs beside the loop: pushes results commits left from before a restart and starts
   * the notifier's outbox. {@link #open} only builds the parts; call this once before the loop.
   */
  public void start() {
    if (git != null) {
      for (String branch : git.publisher().pendingBranches()) {
        try {
          git.publisher()
              .pushAll(branch)
              .ifPresent(
                  sha -> LOG.info("pushed results commit {} left from before a restart", sha));
        } catch (CairnException e) {
          LOG.warn("cannot push results left from before a restart yet: {}", e.getMessage());
        }
      }
    }
    if (notifier != null) {
      notifier.start();
      LOG.info("reporting runs to {}", settings.gitlab());
    }
  }

  /** The loop these parts make. */
  public Agent agent() {
    return agent;
  }

  /** The loop's changes, and the runs on record at start, handed to the notifier's outbox. */
  private static RunObserver observer(Notifier notifier) {
    return new RunObserver() {
      @Override
      public void changed(RunRecord run) {
        notifier.offer(run);
      }

      @Override
      public void recovered(RunRecord run) {
        notifier.recovered(run);
      }
    };
  }

  /**
   * Serves /metrics, /healthz and /readyz on CAIRN_HTTP_ADDRESS; null when it is empty. Live while
   * the loop passes at least once in three longest poll intervals (and 30 s).
   */
  public @Nullable StatusServer serveHttp() {
    if (settings.httpAddress().isEmpty()) {
      return null;
    }
    Map<String, Health.Check> checks = new LinkedHashMap<>();
    checks.put(
        "store",
        () -> {
          plainStore.exists(StoreKeys.READY);
          return null;
        });
    GitAuth auth = git == null ? null : git.auth();
    if (auth != null) {
      checks.put(
          "git",
          () -> {
            try {
              auth.apply(
                      Git.lsRemoteRepository()
                          .setRemote(settings.repoRemote())
                          .setHeads(true)
                          .setTimeout(10))
                  .call();
              return null;
            } catch (Exception e) {
              return auth.scrub(GitAuth.redactUrl(settings.repoRemote()) + ": " + e.getMessage());
            }
          });
    }
    Duration live = settings.pollMax().multipliedBy(3);
    Health health =
        new Health(
            metrics,
            live.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : live,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            checks);
    Webhook webhook =
        settings.webhookTokenFile() == null
            ? null
            : new Webhook(webhookToken(settings.webhookTokenFile()), agent::wake, metrics);
    StatusServer server = StatusServer.start(settings.httpAddress(), metrics, health, webhook);
    LOG.info(
        "serving /metrics, /healthz and /readyz{} on http://{}:{}",
        webhook == null ? "" : " and POST " + Webhook.PATH,
        server.address().getHostString(),
        server.address().getPort());
    return server;
  }

  /** The webhook's secret from its file: one clear line when it cannot be used; never logged. */
  public static String webhookToken(Path file) {
    String token;
    try {
      token = Files.readString(file).strip();
    } catch (IOException e) {
      throw new CairnException(
          "cannot read CAIRN_WEBHOOK_TOKEN_FILE="
              + file
              + ": "
              + e.getClass().getSimpleName()
              + "; point it at a readable file holding the GitLab webhook's secret token, or"
              + " leave it empty");
    }
    if (token.isEmpty() || token.contains("\n")) {
      throw new CairnException(
          "CAIRN_WEBHOOK_TOKEN_FILE="
              + file
              + " must hold the webhook's secret token on one line; it is "
              + (token.isEmpty() ? "empty" : "several lines"));
    }
    return token;
  }

  /** The DVC remote as users reach it: the store's {@code dvc/} folder or prefix. */
  public static DvcConfig.Remote dvcRemote(AgentSettings settings) {
    String url = settings.storeUrl();
    if (url.startsWith("s3://")) {
      S3Location location = S3Location.parse(url);
      return new DvcConfig.Remote(
          settings.dvcRemoteName(),
          DvcConfig.s3Url(location.bucket(), location.prefix(), "dvc"),
          location.endpoint().map(Object::toString).orElse(null));
    }
    Path root = url.startsWith("file:") ? Path.of(URI.create(url)) : Path.of(url);
    return new DvcConfig.Remote(settings.dvcRemoteName(), DvcConfig.fileUrl(root, "dvc"), null);
  }

  public static ScriptRenderer renderer(AgentSettings settings) throws IOException {
    TemplateSet templates =
        settings.templatesDir() == null
            ? TemplateSet.bundled()
            : TemplateSet.fromDirectory(settings.templatesDir());
    String prologue = settings.siteProlog() == null ? "" : Files.readString(settings.siteProlog());
    Path trainer =
        settings.trainerJar() != null
            ? settings.trainerJar()
            : Bundled.copyDemoTrainer(settings.stateDir());
    return new ScriptRenderer(
        templates,
        new Site(
            prologue,
            trainer.toString(),
            settings.terratorchConfigDir() == null ? "" : settings.terratorchConfigDir().toString(),
            Version.get(),
            settings.terratorchVersion()));
  }

  @Override
  public void close() {
    if (notifier != null) {
      try {
        notifier.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    schedulers.close();
    store.close();
    if (git != null) {
      git.repo().close();
      git.auth().close();
    }
  }
}
