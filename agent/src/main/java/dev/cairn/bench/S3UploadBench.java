package dev.cairn.bench;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Credentials;
import dev.cairn.store.S3Location;
import dev.cairn.store.S3ObjectStore;
import dev.cairn.store.S3Options;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * on a pool of threads, the same folder by {@code aws s3 cp --recursive} where that is on the PATH,
 * and one large file as multipart against a single PUT. Uploaded objects are deleted afterwards.
 */
public final class S3UploadBench {
  private static final double MB = 1_000_000.0;

  private S3UploadBench() {}

  /** Figures of one run; the aws CLI's are empty where it was not run. */
  public record Report(
      int files,
      long bytes,
      int threads,
      Duration cairn,
      Optional<Duration> awsCli,
      Optional<String> awsCliProblem) {

    public double cairnMbPerSec() {
      return rate(bytes, cairn);
    }

    public Optional<Double> awsCliMbPerSec() {
      return awsCli.map(d -> rate(bytes, d));
    }

    public String format() {
      String line =
          String.format(
              Locale.ROOT,
              "%d files, %.1f MB: cairn (%d threads) %.2f s = %.1f MB/s",
              files,
              bytes / MB,
              threads,
              cairn.toMillis() / 1000.0,
              cairnMbPerSec());
      if (awsCli.isPresent()) {
        line +=
            String.format(
                Locale.ROOT,
                "; aws s3 cp --recursive %.2f s = %.1f MB/s",
                awsCli.get().toMillis() / 1000.0,
                awsCliMbPerSec().orElseThrow());
      }
      return line + awsCliProblem.map(p -> "; aws CLI: " + p).orElse("");
    }
  }

  /** Single PUT against multipart upload of one file of the same size. */
  public record PutModes(long bytes, Duration singlePut, Duration multipart, long partSize) {
    public String format() {
      return String.format(
          Locale.ROOT,
          "one file of %.1f MB: single PUT %.1f MB/s, multipart (%d MiB parts) %.1f MB/s",
          bytes / MB,
          rate(bytes, singlePut),
          partSize >> 20,
          rate(bytes, multipart));
    }
  }

  /**
   * Uploads {@code files} files totalling {@code totalBytes} (written under {@code workDir}) to the
   * store at {@code storeUrl} on {@code threads} threads, then, for an {@code s3://} store with the
   * {@code aws} CLI on the PATH, the same folder with {@code aws s3 cp --recursive}.
   */
  public static Report run(
      String storeUrl,
      S3Credentials credentials,
      Path workDir,
      int files,
      long totalBytes,
      int threads,
      CommandRunner runner,
      PrintStream out)
      throws IOException, InterruptedException {
    if (files < 1 || totalBytes < files || threads < 1) {
      throw new IllegalArgumentException("need files >= 1, bytes >= files and threads >= 1");
    }
    Path folder = workDir.resolve("bench-" + System.currentTimeMillis());
    List<Path> paths = writeFiles(folder, files, totalBytes);
    out.printf(Locale.ROOT, "wrote %d files, %.1f MB under %s%n", files, totalBytes / MB, folder);
    String runKey = "bench/" + folder.getFileName();
    Duration cairn;
    try (ObjectStore store = ObjectStores.open(storeUrl, credentials)) {
      out.println("uploading to " + store.describe());
      long start = System.nanoTime();
      forEach(paths, threads, p -> store.putFile(runKey + "/" + p.getFileName(), p));
      cairn = Duration.ofNanos(System.nanoTime() - start);
      cleanUp(store, runKey + "/", threads);
    }
    Optional<Duration> aws = Optional.empty();
    Optional<String> problem = Optional.empty();
    if (!storeUrl.startsWith("s3://")) {
      problem = Optional.of("not run (not an s3:// store)");
    } else if (!onPath("aws")) {
      problem = Optional.of("not run (aws is not on the PATH; Debian's package is awscli)");
    } else {
      S3Location location = S3Location.parse(storeUrl);
      String awsKey = "bench/aws-" + folder.getFileName();
      CommandRunner.Result result =
          runner.run(
              awsCommand(location, folder, awsKey),
              null,
              awsEnvironment(location, credentials),
              false,
              Duration.ofHours(2));
      if (result.ok()) {
        aws = Optional.of(Duration.ofMillis(elapsedMillis(result)));
      } else {
        problem = Optional.of(result.describe());
      }
      try (ObjectStore store = ObjectStores.open(storeUrl, credentials)) {
        cleanUp(store, awsKey + "/", threads);
      }
    }
    deleteFolder(folder, paths);
    Report report = new Report(files, totalBytes, threads, cairn, aws, problem);
    out.println(report.format());
    return report;
  }

  /**
   * Uploads one file of {@code bytes} twice to an S3 store: once as a single PUT, once in parts of
   * the default size on the default pool.
   */
  public static PutModes comparePutModes(
      S3Location location, S3Credentials credentials, Path workDir, long bytes, PrintStream out)
      throws IOException {
    Path file = workDir.resolve("bench-large-" + System.currentTimeMillis());
    writeFile(file, bytes, new SplittableRandom(bytes));
    S3Options multipart = S3Options.defaults();
    S3Options single =
        multipart.withMultipart(Long.MAX_VALUE, multipart.partSize(), multipart.uploadThreads());
    try {
      Duration singleTime = timePut(location, credentials, single, file);
      Duration multipartTime = timePut(location, credentials, multipart, file);
      PutModes modes = new PutModes(bytes, singleTime, multipartTime, multipart.partSize());
      out.println(modes.format());
      return modes;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Duration timePut(
      S3Location location, S3Credentials credentials, S3Options options, Path file)
      throws IOException {
    try (S3ObjectStore store = new S3ObjectStore(location, credentials, options)) {
      String key = "bench/" + file.getFileName();
      long start = System.nanoTime();
      store.putFile(key, file);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      store.delete(key);
      return took;
    }
  }

  private static List<String> awsCommand(S3Location location, Path folder, String key) {
    List<String> command = new ArrayList<>();
    command.add("aws");
    command.add("s3");
    command.add("cp");
    command.add("--recursive");
    command.add("--only-show-errors");
    command.add("--region");
    command.add(location.region());
    location.endpoint().ifPresent(e -> command.addAll(List.of("--endpoint-url", e.toString())));
    command.add(folder.toString());
    String prefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
    command.add("s3://" + location.bucket() + "/" + prefix + key + "/");
    // the elapsed time is measured around the copy only, by the shell's clock
    String quoted = String.join(" ", command.stream().map(S3UploadBench::shellQuote).toList());
    return List.of(
        "bash",
        "-c",
        "s=$(date +%s%N); "
            + quoted
            + " || exit $?; echo elapsed_ms=$(( ($(date +%s%N)-s)/1000000 ))");
  }

  private static Map<String, String> awsEnvironment(S3Location location, S3Credentials creds) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
    env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required");
    env.put("AWS_DEFAULT_REGION", location.region());
    if (creds != null && !creds.usesDefaultChain()) {
      env.put("AWS_ACCESS_KEY_ID", creds.accessKeyId());
      env.put("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey());
    }
    return env;
  }

  private static long elapsedMillis(CommandRunner.Result result) throws IOException {
    return result
        .stdout()
        .lines()
        .filter(l -> l.startsWith("elapsed_ms="))
        .map(l -> Long.parseLong(l.substring("elapsed_ms=".length()).strip()))
        .findFirst()
        .orElseThrow(() -> new IOException("no elapsed time from " + result.describe()));
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

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static double rate(long bytes, Duration d) {
    return bytes / MB / Math.max(d.toNanos() / 1e9, 1e-9);
  }
}
