package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import dev.cairn.store.S3ObjectStore;
import dev.cairn.store.S3Options;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures uploads to an object store: a folder of N files totalling S bytes put by Cairn's store
 * (all files handed to the SDK's transfer manager at once, on each async client asked for), then
 * the same folder by {@code aws s3 cp --recursive} where that is on the PATH, in one run. Uploaded
 * objects are deleted afterwards.
 */
public final class S3UploadBench {
  private static final double MB = 1_000_000.0;

  private S3UploadBench() {}

  /** Figures of one run: Cairn's time per client; the aws CLI's where it was run. */
  public record Report(
      int files,
      long bytes,
      int concurrency,
      Map<String, Duration> cairn,
      Optional<Duration> awsCli,
      Optional<String> awsCliProblem) {

    public double cairnMbPerSec(String client) {
      return rate(bytes, cairn.get(client));
    }

    public Optional<Double> awsCliMbPerSec() {
      return awsCli.map(d -> rate(bytes, d));
    }

    public String format() {
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "%d files, %.1f MB:", files, bytes / MB));
      cairn.forEach(
          (client, took) ->
              line.append(
                  String.format(
                      Locale.ROOT,
                      " cairn (%s, %d in flight) %.2f s = %.1f MB/s;",
                      client,
                      concurrency,
                      took.toMillis() / 1000.0,
                      rate(bytes, took))));
      if (awsCli.isPresent()) {
        double aws = awsCliMbPerSec().orElseThrow();
        line.append(
            String.format(
                Locale.ROOT,
                " aws s3 cp --recursive %.2f s = %.1f MB/s;",
                awsCli.get().toMillis() / 1000.0,
                aws));
        cairn.forEach(
            (client, took) ->
                line.append(
                    String.format(
                        Locale.ROOT, " ratio %s/aws %.2f;", client, rate(bytes, took) / aws)));
      }
      awsCliProblem.ifPresent(p -> line.append(" aws CLI: ").append(p).append(';'));
      return line.substring(0, line.length() - 1);
    }
  }

  /**
   * Uploads {@code files} files totalling {@code totalBytes} (written under {@code workDir}) to the
   * store at {@code storeUrl}, once per client in {@code clients} (for a folder store, once), then,
   * for an {@code s3://} store with the {@code aws} CLI on the PATH, the same folder with {@code
   * aws s3 cp --recursive}.
   */
  public static Report run(
      String storeUrl,
      S3Credentials credentials,
      Path workDir,
      int files,
      long totalBytes,
      int concurrency,
      List<S3Options.TransferClient> clients,
      CommandRunner runner,
      PrintStream out)
      throws IOException, InterruptedException {
    if (files < 1 || totalBytes < files || concurrency < 1 || clients.isEmpty()) {
      throw new IllegalArgumentException(
          "need files >= 1, bytes >= files, concurrency >= 1 and a client");
    }
    Path folder = workDir.resolve("bench-" + System.currentTimeMillis());
    List<Path> paths = writeFiles(folder, files, totalBytes);
    out.printf(Locale.ROOT, "wrote %d files, %.1f MB under %s%n", files, totalBytes / MB, folder);
    boolean s3 = storeUrl.startsWith("s3://");
    Map<String, Duration> cairn = new LinkedHashMap<>();
    for (S3Options.TransferClient client : s3 ? clients : clients.subList(0, 1)) {
      String name = s3 ? client.name().toLowerCase(Locale.ROOT) : "folder";
      String runKey = "bench/" + name + "-" + folder.getFileName();
      try (ObjectStore store = open(storeUrl, credentials, client, concurrency)) {
        out.println("uploading to " + store.describe() + " (" + name + ")");
        List<ObjectStore.FileUpload> uploads = new ArrayList<>();
        for (Path p : paths) {
          uploads.add(new ObjectStore.FileUpload(runKey + "/" + p.getFileName(), p));
        }
        long start = System.nanoTime();
        try {
          store.putFiles(uploads);
          cairn.put(name, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
          // one client failing (a store it cannot talk to) must not hide the others' figures
          out.println("cairn (" + name + ") failed: " + e.getMessage());
        }
        cleanUp(store, runKey + "/", 8);
      }
    }
    Optional<Duration> aws = Optional.empty();
    Optional<String> problem = Optional.empty();
    if (!s3) {
      problem = Optional.of("not run (not an s3:// store)");
    } else if (!AwsCli.onPath("aws")) {
      problem = Optional.of("not run (aws is not on the PATH; Debian's package is awscli)");
    } else {
      S3Location location = S3Location.parse(storeUrl);
      String awsKey = "bench/aws-" + folder.getFileName();
      CommandRunner.Result result =
          runner.run(
              AwsCli.awsCommand(location, folder, awsKey),
              null,
              AwsCli.awsEnvironment(location, credentials),
              false,
              Duration.ofHours(2));
      if (result.ok()) {
        aws = Optional.of(Duration.ofMillis(AwsCli.elapsedMillis(result)));
      } else {
        problem = Optional.of(result.describe());
      }
      try (ObjectStore store = ObjectStores.open(storeUrl, credentials)) {
        cleanUp(store, awsKey + "/", 8);
      }
    }
    deleteFolder(folder, paths);
    Report report = new Report(files, totalBytes, concurrency, cairn, aws, problem);
    out.println(report.format());
    return report;
  }

  private static ObjectStore open(
      String url, S3Credentials credentials, S3Options.TransferClient client, int concurrency)
      throws IOException {
    if (!url.startsWith("s3://")) {
      return ObjectStores.open(url, credentials);
    }
    S3Options defaults = S3Options.defaults();
    S3Options options =
        defaults.withUploads(
            defaults.multipartThreshold(), defaults.partSize(), concurrency, client);
    return new S3ObjectStore(S3Location.parse(url), credentials, options);
  }

  private static List<Path> writeFiles(Path folder, int files, long totalBytes) throws IOException {
    Files.createDirectories(folder);
    SplittableRandom random = new SplittableRandom(files * 31L + totalBytes);
    List<Path> paths = new ArrayList<>(files);
    long each = totalBytes / files;
    for (int i = 0; i < files; i++) {
      long size = i == files - 1 ? totalBytes - each * (files - 1) : each;
      Path p = folder.resolve(String.format(Locale.ROOT, "file-%06d.bin", i));
      writeFile(p, size, random);
      paths.add(p);
    }
    return paths;
  }

  private static void writeFile(Path p, long size, SplittableRandom random) throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= buffer.length) {
        random.nextBytes(buffer);
        out.write(buffer, 0, (int) Math.min(buffer.length, left));
      }
    }
  }

  private static void cleanUp(ObjectStore store, String prefix, int threads)
      throws IOException, InterruptedException {
    List<String> keys = store.list(prefix, null).stream().map(ObjectStore.ObjectInfo::key).toList();
    forEach(keys, threads, store::delete);
  }

  private static void deleteFolder(Path folder, List<Path> paths) throws IOException {
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
    Files.deleteIfExists(folder);
  }

  private interface IoAction<T> {
    void apply(T t) throws IOException;
  }

  private static <T> void forEach(List<T> items, int threads, IoAction<T> action)
      throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(
            pool.submit(
                () -> {
                  action.apply(item);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static double rate(long bytes, Duration d) {
    return bytes / MB / Math.max(d.toNanos() / 1e9, 1e-9);
  }
}
