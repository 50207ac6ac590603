package dev.cairn.cli;

import dev.cairn.bench.IdleRequestsBench;
import dev.cairn.bench.S3UploadBench;
import dev.cairn.config.AgentSettings;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.store.ObjectStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agent.jar bench ...}: the benchmarks whose figures README shows. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Rerunnable benchmarks (figures in README).",
    subcommands = {BenchCommand.Idle.class, BenchCommand.Upload.class, BenchCommand.SlurmRpc.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static Map<String, String> env(String store) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("CAIRN_STORE", store);
    return env;
  }

  /** Requests per minute of an idle agent. */
  @Command(
      name = "idle",
      mixinStandardHelpOptions = true,
      description = "Count the object-store requests of an idle agent over simulated time.")
  static final class Idle implements Callable<Integer> {
    @Option(
        names = "--store",
        paramLabel = "URL",
        description = "Store to poll (default: a new temporary folder).")
    String store;

    @Option(
        names = "--minutes",
        defaultValue = "60",
        description = "Simulated time (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Override
    public Integer call() throws Exception {
      Path state = Files.createTempDirectory("cairn-bench-idle");
      String url = store != null ? store : state.resolve("store").toUri().toString();
      Map<String, String> env = env(url);
      env.put("CAIRN_STATE_DIR", state.resolve("agent").toString());
      AgentSettings settings = AgentSettings.load(null, env);
      try (ObjectStore target = Wiring.openStore(settings)) {
        IdleRequestsBench.run(target, settings, Duration.ofMinutes(minutes), System.out);
      }
      return 0;
    }
  }

  /** RPCs at slurmctld per job lifecycle, batched status against per-job polling. */
  @Command(
      name = "slurm-rpc",
      mixinStandardHelpOptions = true,
      description =
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

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("cairn-bench-slurm");
      for (int n : jobs) {
        System.out.println(
            dev.cairn.bench.SlurmRpcBench.run(n, Duration.ofSeconds(interval), work).format());
      }
      return 0;
    }
  }

  /** Upload throughput against `aws s3 cp --recursive`. */
  @Command(
      name = "upload",
      mixinStandardHelpOptions = true,
      description =
          "Upload a folder of files to a store, and the same with `aws s3 cp --recursive` where available.")
  static final class Upload implements Callable<Integer> {
    @Option(
        names = "--store",
        paramLabel = "URL",
        required = true,
        description = "s3://bucket/prefix?endpoint=... or a folder.")
    String store;

    @Option(
        names = "--files",
        defaultValue = "1000",
        description = "Number of files (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(
        names = "--mib",
        defaultValue = "1024",
        description = "Total size in MiB (default: ${DEFAULT-VALUE}).")
    long mib;

    @Option(
        names = "--threads",
        defaultValue = "8",
        description = "Upload threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
      AgentSettings settings = AgentSettings.load(null, env(store));
      PrintStream out = System.out;
      Path work = Files.createTempDirectory("cairn-bench-upload");
      S3UploadBench.run(
          store,
          Wiring.credentials(settings, System.getenv()),
          work,
          files,
          mib * 1024 * 1024,
          threads,
          new ExecCommandRunner(),
          out);
      return 0;
    }
  }
}
