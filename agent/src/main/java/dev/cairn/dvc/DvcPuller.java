package dev.cairn.dvc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.CairnException;
import dev.cairn.RemoteFailureException;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Brings outputs named by {@code .dvc} files back from a DVC 3 remote, as {@code dvc pull} does:
 * the objects of an output are downloaded in one batch of the store's (on S3, many in flight and
 * large ones as parallel ranged GETs, each hashed as it streams in), each to a temporary file
 * beside its target, its MD5 checked, then renamed into place; files already in place with the
 * right MD5 are left alone.
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
      Path folder =
          Objects.requireNonNull(
              dvcFile.toAbsolutePath().normalize().getParent(), "a .dvc file has a folder");
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
    // files already in place with the right MD5 are left alone; this reads only those
    List<Transfer> missing = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger skipped = new AtomicInteger();
    List<DvcPool.Task> checks = new ArrayList<>();
    for (Transfer t : transfers) {
      checks.add(
          () -> {
            if (Files.isRegularFile(t.file()) && DvcHashing.md5(t.file()).equals(t.md5())) {
              skipped.incrementAndGet();
            } else {
              missing.add(t);
            }
          });
    }
    DvcPool.runAll(checks, threads);
    long bytes = download(List.copyOf(missing));
    return new DvcPullReport(missing.size(), skipped.get(), bytes);
  }

  /**
   * Downloads every transfer in one batch of the store's (in parallel, hashed as the bytes stream
   * in), each into a temporary file beside its target; checks each MD5, then renames the files into
   * place. Nothing is renamed unless the whole batch arrived intact.
   */
  private long download(List<Transfer> transfers) throws IOException {
    List<ObjectStore.FileDownload> downloads = new ArrayList<>(transfers.size());
    try {
      for (Transfer t : transfers) {
        Path parent = t.file().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + t.file().getFileName() + ".", ".dvc-tmp");
        downloads.add(new ObjectStore.FileDownload(DvcHashing.key(prefix, t.md5()), tmp));
      }
      List<ObjectStore.Downloaded> done = store.getFiles(downloads);
      long bytes = 0;
      for (int i = 0; i < transfers.size(); i++) {
        ObjectStore.Downloaded d = done.get(i);
        String key = downloads.get(i).key();
        if (!d.found()) {
          throw missing(key, transfers.get(i).file().toString());
        }
        if (!transfers.get(i).md5().equals(d.md5())) {
          throw corrupt(key, transfers.get(i).md5(), d.md5());
        }
        bytes += d.size();
      }
      for (int i = 0; i < transfers.size(); i++) {
        Path tmp = downloads.get(i).file();
        Path file = transfers.get(i).file();
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return bytes;
    } finally {
      for (ObjectStore.FileDownload d : downloads) {
        Files.deleteIfExists(d.file());
      }
    }
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
      throw new RemoteFailureException("object " + key + " is not a DVC directory manifest", e);
    }
    if (list == null || !list.isArray()) {
      throw new RemoteFailureException("object " + key + " is not a DVC directory manifest");
    }
    for (JsonNode entry : list) {
      if (!DvcHashing.isHash(entry.path("md5").asText(null))
          || entry.path("md5").asText().endsWith(DvcHashing.DIR_SUFFIX)
          || !entry.path("relpath").isTextual()) {
        throw new RemoteFailureException("object " + key + " has a malformed entry: " + entry);
      }
    }
    return list;
  }

  private CairnException missing(String key, String what) {
    return new RemoteFailureException(
        "object "
            + key
            + " for "
            + what
            + " is not in "
            + store.describe()
            + "; was the output pushed to this remote?");
  }

  private static CairnException corrupt(String key, String expected, @Nullable String actual) {
    return new RemoteFailureException(
        "object " + key + " is corrupt: its md5 is " + actual + ", expected " + expected);
  }

  private static Path inside(Path target, String relpath, String dirMd5) {
    boolean safe = !relpath.isEmpty() && !relpath.startsWith("/") && !relpath.contains("\0");
    for (String part : relpath.split("/", -1)) {
      safe &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
    }
    Path file = target.resolve(relpath).normalize();
    if (!safe || !file.startsWith(target) || file.equals(target)) {
      throw new RemoteFailureException(
          "directory manifest " + dirMd5 + " names a path outside its output: " + relpath);
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
