package dev.cairn.dvc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.CairnException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Brings outputs named by {@code .dvc} files back from a DVC 3 remote, as {@code dvc pull} does:
 * each object is downloaded to a temporary file, its MD5 checked, then renamed into place; files
 * already in place with the right MD5 are left alone.
 */
public final class DvcPuller {
  private static final Set<String> SKIPPED_DIRS = Set.of(".git", ".dvc");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final String prefix;
  private final int threads;

  public DvcPuller(ObjectStore store, String remotePrefix, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.store = store;
    this.prefix = DvcHashing.normalizePrefix(remotePrefix);
    this.threads = threads;
  }

  /** Pulls every output of a {@code .dvc} file, or of every {@code .dvc} file under a folder. */
  public DvcPullReport pull(Path dvcFileOrFolder) throws IOException {
    List<Path> dvcFiles = Files.isDirectory(dvcFileOrFolder) ? find(dvcFileOrFolder) : null;
    if (dvcFiles == null) {
      if (!Files.isRegularFile(dvcFileOrFolder)) {
        throw new CairnException("no .dvc file or folder at " + dvcFileOrFolder);
      }
      dvcFiles = List.of(dvcFileOrFolder);
    } else if (dvcFiles.isEmpty()) {
      throw new CairnException("no .dvc files under " + dvcFileOrFolder);
    }
    DvcPullReport total = new DvcPullReport(0, 0, 0);
    for (Path dvcFile : dvcFiles) {
      Path folder = dvcFile.toAbsolutePath().normalize().getParent();
      for (DvcOutput out : DvcFile.read(dvcFile)) {
        total = total.plus(pull(out, folder));
      }
    }
    return total;
  }

  /** Pulls one output into {@code folder}/{@code out.path()}. */
  public DvcPullReport pull(DvcOutput out, Path folder) throws IOException {
    if (Path.of(out.path()).isAbsolute()) {
      throw new CairnException("output path " + out.path() + " must be relative to its .dvc file");
    }
    Path target = folder.resolve(out.path()).normalize();
    List<Transfer> transfers = new ArrayList<>();
    if (out.isDirectory()) {
      Files.createDirectories(target);
      for (JsonNode entry : manifest(out)) {
        String md5 = entry.path("md5").asText(null);
        String relpath = entry.path("relpath").asText(null);
        transfers.add(new Transfer(md5, inside(target, relpath, out.md5())));
      }
    } else {
      transfers.add(new Transfer(out.md5(), target));
    }
    AtomicInteger downloaded = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    List<DvcPool.Task> tasks = new ArrayList<>();
    for (Transfer t : transfers) {
      tasks.add(
          () -> {
            if (Files.isRegularFile(t.file()) && DvcHashing.md5(t.file()).equals(t.md5())) {
              skipped.incrementAndGet();
              return;
            }
            bytes.addAndGet(download(t.md5(), t.file()));
            downloaded.incrementAndGet();
          });
    }
    DvcPool.runAll(tasks, threads);
    return new DvcPullReport(downloaded.get(), skipped.get(), bytes.get());
  }

  private JsonNode manifest(DvcOutput out) throws IOException {
    String key = DvcHashing.key(prefix, out.md5());
    StoredObject object = store.get(key).orElseThrow(() -> missing(key, out.path()));
    String actual = DvcHashing.md5(object.content()) + DvcHashing.DIR_SUFFIX;
    if (!actual.equals(out.md5())) {
      throw corrupt(key, out.md5(), actual);
    }
    JsonNode list;
    try {
      list = JSON.readTree(object.content());
    } catch (IOException e) {
      throw new CairnException("object " + key + " is not a DVC directory manifest", 1, e);
    }
    if (list == null || !list.isArray()) {
      throw new CairnException("object " + key + " is not a DVC directory manifest", 1, null);
    }
    for (JsonNode entry : list) {
      if (!DvcHashing.isHash(entry.path("md5").asText(null))
          || entry.path("md5").asText().endsWith(DvcHashing.DIR_SUFFIX)
          || !entry.path("relpath").isTextual()) {
        throw new CairnException("object " + key + " has a malformed entry: " + entry, 1, null);
      }
    }
    return list;
  }

  private long download(String md5, Path file) throws IOException {
    String key = DvcHashing.key(prefix, md5);
    Path parent = file.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".dvc-tmp");
    try {
      if (!store.getToFile(key, tmp)) {
        throw missing(key, file.toString());
      }
      String actual = DvcHashing.md5(tmp);
      if (!actual.equals(md5)) {
        throw corrupt(key, md5, actual);
      }
      long size = Files.size(tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return size;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private CairnException missing(String key, String what) {
    return new CairnException(
        "object "
            + key
            + " for "
            + what
            + " is not in "
            + store.describe()
            + "; was the output pushed to this remote?",
        1,
        null);
  }

  private static CairnException corrupt(String key, String expected, String actual) {
    return new CairnException(
        "object " + key + " is corrupt: its md5 is " + actual + ", expected " + expected, 1, null);
  }

  private static Path inside(Path target, String relpath, String dirMd5) {
    boolean safe = !relpath.isEmpty() && !relpath.startsWith("/") && !relpath.contains("\0");
    for (String part : relpath.split("/", -1)) {
      safe &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
    }
    Path file = target.resolve(relpath).normalize();
    if (!safe || !file.startsWith(target) || file.equals(target)) {
      throw new CairnException(
          "directory manifest " + dirMd5 + " names a path outside its output: " + relpath, 1, null);
    }
    return file;
  }

  private static List<Path> find(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(p -> !skipped(folder, p))
          .filter(p -> p.getFileName().toString().endsWith(".dvc"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean skipped(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (SKIPPED_DIRS.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private record Transfer(String md5, Path file) {}
}
