package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Outputs up and down: for each shape (N files of S bytes), Cairn's store, rclone and the aws CLI
 * each move the same folder to or from the same bucket, in turn, for a number of rounds whose order
 * rotates; each figure is the median of the rounds, and Cairn's ratio to each reference is printed
 * beside it. Up: Cairn's {@code putFiles} (what a publish runs). Down: Cairn's {@code getFiles}
 * into temporary files beside their targets, each MD5 checked and each file renamed (what {@code
 * pull} runs), from one copy Cairn uploaded first. Cairn runs inside this JVM, its client created
 * inside the timing; the references are timed from their process's start to its end. Every object
 * and file the bench wrote is deleted afterwards.
 */
public final class TransferBench {
  private static final double MB = 1_000_000.0;

  private TransferBench() {}

  /** Which way the bytes go. */
  public enum Direction {
    UP,
    DOWN
  }

  /** {@code files} files of {@code bytes} bytes each, written as {@code 1000x1MiB}. */
  public record Shape(int files, long bytes) {
    public static Shape parse(String text) {
      String[] parts = text.strip().split("x", 2);
      String size = parts.length == 2 ? parts[1] : "";
      long unit =
          size.endsWith("MiB")
              ? 1L << 20
              : size.endsWith("KiB") ? 1L << 10 : size.endsWith("B") ? 1 : 0;
      try {
        if (unit == 0) {
          throw new NumberFormatException();
        }
        String digits = size.substring(0, size.length() - (unit == 1 ? 1 : 3));
        return new Shape(Integer.parseInt(parts[0]), Long.parseLong(digits) * unit);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "shape '" + text + "' is not FILESxSIZE; write it as 1000x1MiB or 10000x16KiB");
      }
    }

    long total() {
      return files * bytes;
    }

    @Override
    public String toString() {
      long b = bytes;
      String size =
          b % (1 << 20) == 0
              ? b / (1 << 20) + " MiB"
              : b % 1024 == 0 ? b / 1024 + " KiB" : b + " B";
      return String.format(Locale.ROOT, "%,d x %s", files, size);
    }
  }

  /** One shape's times, per tool, in the order the rounds ran. */
  public record Result(Direction direction, Shape shape, Map<String, List<Duration>> times) {
    public Duration median(String tool) {
      List<Duration> own = times.get(tool);
      if (own == null || own.isEmpty()) {
        throw new IllegalArgumentException("no times for " + tool + " in " + times.keySet());
      }
      List<Duration> sorted = own.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }

    public double mbPerSec(String tool) {
      return shape.total() / MB / Math.max(median(tool).toNanos() / 1e9, 1e-9);
    }

    /** Cairn's rate over {@code tool}'s, medians both. */
    public double ratio(String tool) {
      return mbPerSec("cairn") / mbPerSec(tool);
    }

    public String format() {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s %s (%.1f MB):",
                  direction.name().toLowerCase(Locale.ROOT),
                  shape,
                  shape.total() / MB));
      times.forEach(
          (tool, list) ->
              line.append(
                  String.format(
                      Locale.ROOT,
                      " %s %.2f s = %.1f MB/s (rounds %s);",
                      tool,
                      median(tool).toMillis() / 1000.0,
                      mbPerSec(tool),
                      String.join(
                          ", ",
                          list.stream()
                              .map(d -> String.format(Locale.ROOT, "%.2f", d.toMillis() / 1000.0))
                              .toList()))));
      for (String tool : times.keySet()) {
        if (!tool.equals("cairn") && times.containsKey("cairn")) {
          line.append(String.format(Locale.ROOT, " cairn/%s %.2fx;", tool, ratio(tool)));
        }
      }
      return line.substring(0, line.length() - 1);
    }
  }

  /**
   * Runs every shape in {@code direction} against the {@code s3://} store at {@code storeUrl};
   * rclone and aws where they are on the PATH.
   */
  public static List<Result> run(
      Direction direction,
      String storeUrl,
      S3Credentials credentials,
      Path work,
      List<Shape> shapes,
      int rounds,
      CommandRunner runner,
      PrintStream out)
      throws IOException, InterruptedException {
    if (!storeUrl.startsWith("s3://") || rounds < 1) {
      throw new IllegalArgumentException("needs an s3:// store and at least one round");
    }
    S3Location location = S3Location.parse(storeUrl);
    List<String> tools = new ArrayList<>(List.of("cairn"));
    for (String tool : List.of("rclone", "aws")) {
      if (AwsCli.onPath(tool)) {
        tools.add(tool);
      } else {
        out.println(tool + " is not on the PATH: not measured");
      }
    }
    Path config = Files.createTempFile(work, "rclone", ".conf");
    Context context = new Context(storeUrl, location, credentials, work, config, runner, out);
    List<Result> results = new ArrayList<>();
    try {
      for (Shape shape : shapes) {
        Result r = context.shape(direction, shape, tools, rounds);
        out.println(r.format() + String.format(Locale.ROOT, "; load %.1f", Load.average()));
        results.add(r);
      }
    } finally {
      Files.deleteIfExists(config);
    }
    return results;
  }

  /** What every step needs; one per run. */
  private record Context(
      String url,
      S3Location location,
      S3Credentials credentials,
      Path work,
      Path rcloneConfig,
      CommandRunner runner,
      PrintStream out) {

    Result shape(Direction direction, Shape shape, List<String> tools, int rounds)
        throws IOException, InterruptedException {
      String id = "bench/" + direction.name().toLowerCase(Locale.ROOT) + "-" + System.nanoTime();
      Path folder = work.resolve("files-" + System.nanoTime());
      List<Path> files = BenchFiles.write(folder, shape.files(), shape.bytes());
      Map<String, List<Duration>> times = new LinkedHashMap<>();
      tools.forEach(t -> times.put(t, new ArrayList<>()));
      List<String> written = new ArrayList<>();
      List<String> md5s = new ArrayList<>();
      for (Path f : files) {
        md5s.add(BenchFiles.md5(f));
      }
      try (ObjectStore store = ObjectStores.open(storeUrl(), credentials)) {
        String source = id + "/source";
        if (direction == Direction.DOWN) {
          store.putFiles(uploads(files, source));
          written.add(source);
        }
        for (int round = 0; round < rounds; round++) {
          for (int i = 0; i < tools.size(); i++) {
            // rotate who goes first, so no tool always meets a warmer or colder server
            String tool = tools.get((i + round) % tools.size());
            Duration took;
            if (direction == Direction.UP) {
              String key = id + "/" + tool + "-" + round;
              written.add(key);
              took = up(tool, folder, files, key);
              remove(store, key);
            } else {
              Path into = work.resolve("down-" + tool + "-" + round);
              try {
                took = down(tool, source, files, md5s, into);
              } finally {
                BenchFiles.deleteTree(into);
              }
            }
            times.computeIfAbsent(tool, t -> new ArrayList<>()).add(took);
          }
        }
        for (String key : written) {
          remove(store, key);
        }
      } finally {
        BenchFiles.deleteTree(folder);
      }
      return new Result(direction, shape, times);
    }

    private String storeUrl() {
      return url;
    }

    private Duration up(String tool, Path folder, List<Path> files, String key)
        throws IOException, InterruptedException {
      return switch (tool) {
        case "cairn" -> {
          long start = System.nanoTime();
          try (ObjectStore store = ObjectStores.open(storeUrl(), credentials)) {
            store.putFiles(uploads(files, key));
          }
          yield Duration.ofNanos(System.nanoTime() - start);
        }
        case "rclone" ->
            timed(
                Tools.rclone(folder.toString(), Tools.rcloneTarget(location, key), rcloneConfig),
                Tools.rcloneEnvironment(location, credentials));
        default ->
            timed(
                Tools.aws(location, folder.toString(), Tools.awsUrl(location, key)),
                AwsCli.awsEnvironment(location, credentials));
      };
    }

    private Duration down(
        String tool, String source, List<Path> files, List<String> md5s, Path into)
        throws IOException, InterruptedException {
      Files.createDirectories(into);
      Duration took =
          switch (tool) {
            case "cairn" -> {
              long start = System.nanoTime();
              cairnDown(source, files, md5s, into);
              yield Duration.ofNanos(System.nanoTime() - start);
            }
            case "rclone" ->
                timed(
                    Tools.rclone(
                        Tools.rcloneTarget(location, source), into.toString(), rcloneConfig),
                    Tools.rcloneEnvironment(location, credentials));
            default ->
                timed(
                    Tools.aws(location, Tools.awsUrl(location, source), into.toString()),
                    AwsCli.awsEnvironment(location, credentials));
          };
      for (Path f : files) {
        Path back = into.resolve(f.getFileName());
        if (!Files.isRegularFile(back) || Files.size(back) != Files.size(f)) {
          throw new IOException(tool + " did not bring " + f.getFileName() + " back whole");
        }
      }
      return took;
    }

    /** What pull runs: one batch into temporary files beside the targets, MD5s checked, renamed. */
    private void cairnDown(String source, List<Path> files, List<String> md5s, Path into)
        throws IOException {
      List<ObjectStore.FileDownload> downloads = new ArrayList<>(files.size());
      for (Path f : files) {
        downloads.add(
            new ObjectStore.FileDownload(
                source + "/" + f.getFileName(), into.resolve("." + f.getFileName() + ".tmp")));
      }
      try (ObjectStore store = ObjectStores.open(storeUrl(), credentials)) {
        List<ObjectStore.Downloaded> done = store.getFiles(downloads);
        for (int i = 0; i < files.size(); i++) {
          String expected = md5s.get(i);
          if (!done.get(i).found() || !expected.equals(done.get(i).md5())) {
            throw new IOException("cairn brought " + files.get(i).getFileName() + " back wrong");
          }
          Files.move(
              downloads.get(i).file(),
              into.resolve(files.get(i).getFileName()),
              StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }

    private Duration timed(List<String> command, Map<String, String> env)
        throws IOException, InterruptedException {
      long start = System.nanoTime();
      CommandRunner.Result result = runner.run(command, null, env, false, Duration.ofHours(1));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (!result.ok()) {
        throw new IOException(result.describe());
      }
      return took;
    }

    /** Deletes what a step wrote: batched by the aws CLI where it is, else one by one. */
    private void remove(ObjectStore store, String key) throws IOException, InterruptedException {
      if (AwsCli.onPath("aws")) {
        CommandRunner.Result r =
            runner.run(
                Tools.awsRemove(location, Tools.awsUrl(location, key)),
                null,
                AwsCli.awsEnvironment(location, credentials),
                false,
                Duration.ofHours(1));
        if (r.ok()) {
          return;
        }
      }
      for (ObjectStore.ObjectInfo o : store.list(key + "/", null)) {
        store.delete(o.key());
      }
    }

    private static List<ObjectStore.FileUpload> uploads(List<Path> files, String key) {
      return files.stream()
          .map(f -> new ObjectStore.FileUpload(key + "/" + f.getFileName(), f))
          .toList();
    }
  }
}
