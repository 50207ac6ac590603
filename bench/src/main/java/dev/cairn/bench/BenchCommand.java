package dev.cairn.bench;

import dev.cairn.config.AgentSettings;
import dev.cairn.results.Stores;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar cairn-bench.jar ...}: the benchmarks whose figures docs/benchmarks.md shows, in
 * their own jar so that the agent's jar ships none of them.
 */
@Command(
    name = "cairn-bench.jar",
    // -h, -V and the footer's heading for every subcommand too
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    header = "Rerunnable benchmarks of the Cairn agent (figures in docs/benchmarks.md).",
    footerHeading = "%nExample:%n",
    footer = "  java -jar cairn-bench.jar hash --mib 256",
    subcommands = {
      BenchCommand.Idle.class,
      BenchCommand.Upload.class,
      BenchCommand.Pull.class,
      BenchCommand.Latency.class,
      BenchCommand.Scale.class,
      BenchCommand.Hash.class,
      BenchCommand.SlurmRpc.class
    })
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Map<String, String> env(String store) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("CAIRN_STORE", store);
    return env;
  }

  /** The files {@code hash} writes: how many, and their total size. */
  static final class Payload {
    @Option(names = "--files", description = "Number of files (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(
        names = "--mib",
        defaultValue = "1024",
        description = "Total size in MiB (default: ${DEFAULT-VALUE}).")
    long mib;

    Payload(int files) {
      this.files = files;
    }
  }

  /** Requests per minute of an idle agent. */
  @Command(
      name = "idle",
      footer = "  java -jar cairn-bench.jar idle --minutes 60",
      header = "Count the object-store requests of an idle agent over simulated time.")
  static final class Idle implements Callable<Integer> {
    @Option(
        names = "--store",
        paramLabel = "URL",
        description = "Store to poll (default: a new temporary folder).")
    @Nullable String store;

    @Option(
        names = "--minutes",
        defaultValue = "60",
        description = "Simulated time (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(
        names = "--daemon-seconds",
        defaultValue = "40",
        description =
            "Then run the real daemon and read its CPU time over this many seconds between two"
                + " ticks, and its RSS; 0 skips it (default: ${DEFAULT-VALUE}).")
    int daemonSeconds;

    @Override
    public Integer call() throws Exception {
      Path state = Files.createTempDirectory("cairn-bench-idle");
      String url = store != null ? store : state.resolve("store").toUri().toString();
      Map<String, String> env = env(url);
      env.put("CAIRN_STATE_DIR", state.resolve("agent").toString());
      AgentSettings settings = AgentSettings.load(null, env);
      try (ObjectStore target = Stores.open(settings)) {
        IdleRequestsBench.run(target, settings, Duration.ofMinutes(minutes), System.out);
      }
      if (daemonSeconds > 0) {
        IdleDaemonBench.run(
            url, state.resolve("daemon"), Duration.ofSeconds(daemonSeconds), System.out);
      }
      return 0;
    }
  }

  /** RPCs at slurmctld per job lifecycle, batched status against per-job polling. */
  @Command(
      name = "slurm-rpc",
      footer = "  java -jar cairn-bench.jar slurm-rpc --jobs 1,10",
      header =
          "Count slurmctld RPCs (sdiag) per job lifecycle for batched and per-job status polling.")
  static final class SlurmRpc implements Callable<Integer> {
    @Option(
        names = "--jobs",
        split = ",",
        defaultValue = "1,10,100",
        description = "Concurrent short jobs (default: ${DEFAULT-VALUE}).")
    int[] jobs;

    @Option(
        names = "--interval",
        defaultValue = "2",
        description = "Poll interval in seconds (default: ${DEFAULT-VALUE}).")
    int interval;

    @Option(
        names = "--tracked",
        description =
            "Instead: submit that many held jobs and count the commands and RPCs of each status"
                + " tick while all of them are tracked.")
    boolean tracked;

    @Option(
        names = "--ticks",
        defaultValue = "5",
        description = "Ticks measured with --tracked (default: ${DEFAULT-VALUE}).")
    int ticks;

    @Option(
        names = "--lsf-bin",
        paramLabel = "DIR",
        description =
            "With --tracked, also LSF's commands from DIR (e.g. the emulator,"
                + " agent/src/test/lsf-emulator/bin).")
    @Nullable Path lsfBin;

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("cairn-bench-slurm");
      for (int n : jobs) {
        if (tracked) {
          TrackedJobsBench.slurm(
              n, ticks, Duration.ofSeconds(interval), work.resolve("slurm-" + n), System.out);
          if (lsfBin != null) {
            TrackedJobsBench.lsf(
                lsfBin,
                n,
                ticks,
                Duration.ofSeconds(interval),
                work.resolve("lsf-" + n),
                System.out);
          }
        } else {
          System.out.println(SlurmRpcBench.run(n, Duration.ofSeconds(interval), work).format());
        }
      }
      return 0;
    }
  }

  /** DVC hashing throughput against md5sum, on one core and on all. */
  @Command(
      name = "hash",
      footer = "  java -jar cairn-bench.jar hash --files 64 --mib 1024",
      header =
          "Hash a folder of files as DVC does, on one core and on all, beside md5sum"
              + " (one process, and xargs -P <cores>).")
  static final class Hash implements Callable<Integer> {
    @Mixin Payload payload = new Payload(64);

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "Rounds; each figure is the best (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Where to write the files (default: a temporary folder).")
    @Nullable Path dir;

    @Override
    public Integer call() throws Exception {
      Path work = dir != null ? dir : Files.createTempDirectory("cairn-bench-hash");
      try {
        HashBench.run(
            work, payload.files, payload.mib << 20, rounds, new ExecCommandRunner(), System.out);
      } finally {
        if (dir == null) {
          Files.deleteIfExists(work);
        }
      }
      return 0;
    }
  }

  /** The shapes and rounds of {@code upload} and {@code pull}, and their store. */
  static final class Transfers {
    @Option(
        names = "--store",
        paramLabel = "URL",
        required = true,
        description =
            "s3://bucket/prefix?endpoint=... (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).")
    String store;

    @Option(
        names = "--shapes",
        split = ",",
        defaultValue = "1000x1MiB,1000x256KiB,8x128MiB,10000x16KiB",
        description = "FILESxSIZE, each a folder of that many files (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "Rounds per shape; each figure is their median (default: ${DEFAULT-VALUE}).")
    int rounds;

    int run(TransferBench.Direction direction) throws Exception {
      AgentSettings settings = AgentSettings.load(null, env(store));
      Path work = Files.createTempDirectory("cairn-bench-transfer");
      try {
        TransferBench.run(
            direction,
            store,
            Stores.credentials(settings, System.getenv()),
            work,
            shapes.stream().map(TransferBench.Shape::parse).toList(),
            rounds,
            new ExecCommandRunner(),
            System.out);
      } finally {
        Files.deleteIfExists(work);
      }
      return 0;
    }
  }

  /** {@code upload} or {@code pull}: the transfers of one direction. */
  abstract static class Transfer implements Callable<Integer> {
    @Mixin Transfers transfers = new Transfers();
    private final TransferBench.Direction direction;

    Transfer(TransferBench.Direction direction) {
      this.direction = direction;
    }

    @Override
    public Integer call() throws Exception {
      return transfers.run(direction);
    }
  }

  /** Outputs up: Cairn against rclone and `aws s3 cp --recursive`. */
  @Command(
      name = "upload",
      footer =
          "  java -jar cairn-bench.jar upload --store 's3://bench/p?endpoint=http://127.0.0.1:9000'",
      header =
          "Upload folders of files to an S3 store with Cairn, rclone (--transfers 16) and `aws s3"
              + " cp --recursive`, in turn; print each median and Cairn's ratio to each.")
  static final class Upload extends Transfer {
    Upload() {
      super(TransferBench.Direction.UP);
    }
  }

  /** Outputs down: what `pull` runs, against rclone and `aws s3 cp --recursive`. */
  @Command(
      name = "pull",
      footer =
          "  java -jar cairn-bench.jar pull --store 's3://bench/p?endpoint=http://127.0.0.1:9000'",
      header =
          "Download folders of files from an S3 store as pull does (MD5 checked, renamed into"
              + " place), and with rclone (--transfers 16) and `aws s3 cp --recursive`, in turn;"
              + " print each median and Cairn's ratio to each.")
  static final class Pull extends Transfer {
    Pull() {
      super(TransferBench.Direction.DOWN);
    }
  }

  /** From a request landing to sbatch of its job, on the real SLURM. */
  @Command(
      name = "latency",
      footer = "  java -jar cairn-bench.jar latency",
      header =
          "Time from a request landing in the bucket to sbatch of its job, on the real SLURM"
              + " (jobs held, then cancelled): idle at the longest poll interval, with and"
              + " without the webhook, and busy.")
  static final class Latency implements Callable<Integer> {
    @Option(
        names = "--poll-min",
        defaultValue = "5",
        description = "CAIRN_POLL_MIN_SECONDS (default: ${DEFAULT-VALUE}).")
    int pollMin;

    @Option(
        names = "--poll-max",
        defaultValue = "60",
        description = "CAIRN_POLL_MAX_SECONDS (default: ${DEFAULT-VALUE}).")
    int pollMax;

    @Option(
        names = "--samples",
        defaultValue = "3",
        description = "Samples without the webhook, idle and busy (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(
        names = "--webhook-samples",
        defaultValue = "5",
        description = "Samples with the webhook (default: ${DEFAULT-VALUE}).")
    int webhookSamples;

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("cairn-bench-latency");
      LatencyBench.run(work, pollMin, pollMax, samples, webhookSamples, System.out);
      return 0;
    }
  }

  /** Many jobs through the real agent on the real SLURM. */
  @Command(
      name = "scale",
      header =
          "Runs of many trials and an 81-trial sweep through the real agent on the real SLURM"
              + " (jobs held, then cancelled): slurmctld RPCs and commands per tick, and RSS.",
      footer = "  java -jar cairn-bench.jar scale --runs 10 --trials 100")
  static final class Scale implements Callable<Integer> {
    @Option(
        names = "--runs",
        defaultValue = "10",
        description = "Runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
        names = "--trials",
        defaultValue = "100",
        description = "Trials per run (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(
        names = "--ticks",
        defaultValue = "5",
        description = "Ticks measured (default: ${DEFAULT-VALUE}).")
    int ticks;

    @Override
    public Integer call() throws Exception {
      ScaleBench.run(
          Files.createTempDirectory("cairn-bench-scale"), runs, trials, ticks, System.out);
      return 0;
    }
  }
}
