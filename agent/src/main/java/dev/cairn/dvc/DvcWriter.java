package dev.cairn.dvc;

import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes outputs to a DVC 3 remote inside an {@link ObjectStore}, as {@code dvc add} plus {@code
 * dvc push} would: file objects first, in parallel, skipping those the remote has, then the {@code
 * .dir} manifest only once every file object is there.
 */
public final class DvcWriter {
  private static final Logger log = LoggerFactory.getLogger(DvcWriter.class);

  /**
   * How the writer learns which objects the remote already has. HEAD is the default: its cost
   * follows the size of the output, while a listing follows the size of the whole remote (on a
   * folder store with 1,000 files, a repeat publish took 7-37 ms with HEAD against 28-150 ms with a
   * listing, and 720-980 ms once the remote held 20,000 other objects).
   */
  public enum ExistenceCheck {
    /** One existence check (HEAD) per object, on the transfer pool. */
    HEAD,
    /** One listing of the remote's objects before uploading. */
    LIST
  }

  private final ObjectStore store;
  private final String prefix;
  private final int threads;
  private final ExistenceCheck check;

  /** A writer using per-object HEAD checks; {@code remotePrefix} is e.g. {@code dvc}. */
  public DvcWriter(ObjectStore store, String remotePrefix, int threads) {
    this(store, remotePrefix, threads, ExistenceCheck.HEAD);
  }

  public DvcWriter(ObjectStore store, String remotePrefix, int threads, ExistenceCheck check) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.store = store;
    this.prefix = DvcHashing.normalizePrefix(remotePrefix);
    this.threads = threads;
    this.check = check;
  }

  /**
   * Versions {@code output} (a directory or a file) as {@code dvc add} + {@code dvc push} do with
   * the {@code .dvc} file in {@code dvcFolder}: hashes and uploads it, writes {@code
   * <dvcFolder>/<name>.dvc} with {@code path: <name>} and adds {@code /<name>} to {@code
   * <dvcFolder>/.gitignore}. The output need not be inside {@code dvcFolder}: a pull puts it there.
   */
  public DvcOutput add(Path output, Path dvcFolder, String name) throws IOException {
    DvcOutput out;
    DvcUploadReport report;
    if (Files.isDirectory(output)) {
      DvcTree tree = DvcTree.hash(output);
      report = upload(tree);
      out = tree.output(name);
    } else if (Files.isRegularFile(output)) {
      String md5 = DvcHashing.md5(output);
      long size = Files.size(output);
      report = uploadFile(output, md5, size);
      out = new DvcOutput(name, md5, size, null);
    } else {
      throw new IOException("no output to version at " + output);
    }
    DvcFile.write(dvcFolder.resolve(name + ".dvc"), out);
    DvcGitignore.add(dvcFolder, name);
    log.info(
        "versioned {} as {}: {} objects uploaded ({} bytes), {} already in {}",
        output,
        out.md5(),
        report.uploaded(),
        report.bytesUploaded(),
        report.skipped(),
        store.describe());
    return out;
  }

  /** {@link #add(Path, Path, String)} with the {@code .dvc} file beside the output. */
  public DvcOutput add(Path output) throws IOException {
    Path absolute = output.toAbsolutePath().normalize();
    return add(absolute, absolute.getParent(), absolute.getFileName().toString());
  }

  /** Uploads every file object of the tree the remote lacks, then its {@code .dir} object. */
  public DvcUploadReport upload(DvcTree tree) throws IOException {
    Map<String, DvcEntry> byHash = new LinkedHashMap<>();
    for (DvcEntry entry : tree.entries()) {
      byHash.putIfAbsent(entry.md5(), entry);
    }
    Set<String> present = check == ExistenceCheck.LIST ? listRemote() : null;
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    List<DvcPool.Task> tasks = new ArrayList<>();
    for (DvcEntry entry : byHash.values()) {
      String key = DvcHashing.key(prefix, entry.md5());
      if (present != null && present.contains(key)) {
        skipped.incrementAndGet();
        continue;
      }
      tasks.add(
          () -> {
            if (present == null && store.exists(key)) {
              skipped.incrementAndGet();
              return;
            }
            putFile(key, entry.file(), entry.relpath());
            uploaded.incrementAndGet();
            bytes.addAndGet(entry.size());
          });
    }
    DvcPool.runAll(tasks, threads);

    String dirKey = DvcHashing.key(prefix, tree.md5());
    boolean hasDir = present != null ? present.contains(dirKey) : store.exists(dirKey);
    if (hasDir) {
      skipped.incrementAndGet();
    } else {
      byte[] manifest = tree.manifest();
      store.put(dirKey, manifest);
      uploaded.incrementAndGet();
      bytes.addAndGet(manifest.length);
    }
    return new DvcUploadReport(uploaded.get(), skipped.get(), bytes.get());
  }

  /** Uploads one file object unless the remote has it. */
  public DvcUploadReport uploadFile(Path file, String md5, long size) throws IOException {
    String key = DvcHashing.key(prefix, md5);
    if (store.exists(key)) {
      return new DvcUploadReport(0, 1, 0);
    }
    putFile(key, file, file.getFileName().toString());
    return new DvcUploadReport(1, 0, size);
  }

  private void putFile(String key, Path file, String what) throws IOException {
    try {
      store.putFile(key, file);
    } catch (IOException e) {
      throw new IOException(
          "uploading " + what + " to " + key + " in " + store.describe() + " failed: " + e, e);
    }
  }

  private Set<String> listRemote() throws IOException {
    Set<String> keys = new HashSet<>();
    String filesPrefix = DvcHashing.filesPrefix(prefix);
    String after = null;
    // A store may answer one page at a time; ask again after the last key until nothing comes.
    while (true) {
      List<ObjectStore.ObjectInfo> page = store.list(filesPrefix, after);
      if (page.isEmpty()) {
        return keys;
      }
      for (ObjectStore.ObjectInfo info : page) {
        keys.add(info.key());
      }
      after = page.get(page.size() - 1).key();
    }
  }
}
