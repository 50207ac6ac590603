package dev.cairn.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A local folder as object store: the embedded default. Keys are relative paths; writes go to a
 * temporary file first and are renamed into place, so readers never see half an object. ETags are
 * the MD5 of the content, as S3 gives for single-part uploads.
 *
 * <p>Whoever can write the folder can plant links and special files in it. No path under the root
 * is followed through a symbolic link, and only regular files are objects: the type is checked
 * without following links before anything is opened, so a FIFO is never opened (which would block)
 * and a device or a link to another file is never read. Such a key is a {@link
 * NotARegularFileException} for that key alone.
 */
public final class FileObjectStore implements ObjectStore {
  private static final String TMP_SUFFIX = ".cairn-tmp";

  /**
   * A file lock keeps other processes out, but the JVM refuses a second lock of one file to its own
   * threads (OverlappingFileLockException): two agents in one JVM (tests) first take one of these
   * monitors, chosen by the lock file's path.
   */
  private static final Object[] STRIPES = new Object[64];

  static {
    for (int i = 0; i < STRIPES.length; i++) {
      STRIPES[i] = new Object();
    }
  }

  private static Object stripe(Path lockFile) {
    return STRIPES[Math.floorMod(lockFile.toAbsolutePath().hashCode(), STRIPES.length)];
  }

  private final Path root;

  public FileObjectStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  public Path root() {
    return root;
  }

  @Override
  public Optional<StoredObject> get(String key) throws IOException {
    Optional<Path> file = regularFile(key);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = open(file.get())) {
      byte[] bytes = in.readAllBytes();
      return Optional.of(new StoredObject(key, bytes, etag(bytes)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<StoredObject> get(String key, long maxBytes) throws IOException {
    Optional<Path> file = regularFile(key);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = open(file.get())) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw new ObjectTooLargeException(key, maxBytes);
      }
      return Optional.of(new StoredObject(key, bytes, etag(bytes)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException {
    Optional<StoredObject> current = get(key);
    if (current.isPresent() && etag != null && etag.equals(current.get().etag())) {
      return Optional.empty();
    }
    return current;
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag, long maxBytes)
      throws IOException {
    Optional<StoredObject> current = get(key, maxBytes);
    if (current.isPresent() && etag != null && etag.equals(current.get().etag())) {
      return Optional.empty();
    }
    return current;
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    replace(resolve(key), tmp -> Files.write(tmp, content));
    return etag(content);
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    Path target = resolve(key);
    replace(target, tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
    return etagOf(target);
  }

  /** What writes the new content into a temporary file beside the target. */
  private interface Writer {
    void write(Path tmp) throws IOException;
  }

  /** Writes a temporary file beside the target, then moves it over the target. */
  private void replace(Path target, Writer writer) throws IOException {
    createParents(target);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      // a folder, link or FIFO planted where an object goes: an error for that key alone
      throw new NotARegularFileException(root.relativize(target).toString(), "not replaceable");
    }
    Path tmp = Files.createTempFile(target.getParent(), ".put-", TMP_SUFFIX);
    try {
      writer.write(tmp);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    Optional<Path> source = regularFile(key);
    if (source.isEmpty()) {
      return false;
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (InputStream in = open(source.get())) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return true;
  }

  /** One after another, each hashed as it is copied (the file is not read again). */
  @Override
  public List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
    List<Downloaded> done = new ArrayList<>(downloads.size());
    byte[] buffer = new byte[1 << 16];
    for (FileDownload d : downloads) {
      Path source = resolve(d.key());
      if (!Files.isRegularFile(source)) {
        done.add(Downloaded.MISSING);
        continue;
      }
      Files.createDirectories(d.file().toAbsolutePath().getParent());
      java.security.MessageDigest md5 = Md5.digest();
      long size = 0;
      try (java.io.InputStream in = Files.newInputStream(source);
          java.io.OutputStream out = Files.newOutputStream(d.file())) {
        for (int n; (n = in.read(buffer)) > 0; size += n) {
          md5.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      done.add(new Downloaded(true, size, Md5.hex(md5)));
    }
    return done;
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    Path target = resolve(key);
    createParents(target);
    // createFile is atomic (O_EXCL); the lock keeps readers from seeing it before it is written.
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    try {
      return underLock(
          lockFile,
          () -> {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
              return false;
            }
            Path tmp = Files.createTempFile(target.getParent(), ".put-", TMP_SUFFIX);
            try {
              Files.write(tmp, content);
              Files.createLink(target, tmp);
              return true;
            } catch (FileAlreadyExistsException e) {
              return false;
            } finally {
              Files.deleteIfExists(tmp);
            }
          });
    } finally {
      Files.deleteIfExists(lockFile);
    }
  }

  /**
   * Compares and replaces under an exclusive lock on a file beside the object, which stays (a
   * deleted lock file would let a later writer lock a new one while an earlier one holds the old).
   */
  @Override
  public boolean putIfMatch(String key, byte[] content, @Nullable String etag) throws IOException {
    Path target = resolve(key);
    createParents(target);
    Path lockFile = target.resolveSibling(target.getFileName() + ".match.lock");
    return underLock(
        lockFile,
        () -> {
          Optional<Path> current = regularFile(key);
          if (etag == null ? current.isPresent() : current.isEmpty()) {
            return false;
          }
          if (etag != null && !etag.equals(etagOf(current.get()))) {
            return false;
          }
          put(key, content);
          return true;
        });
  }

  /** What runs while the lock is held. */
  private interface Locked {
    boolean run() throws IOException;
  }

  /**
   * Runs {@code body} holding an exclusive lock on {@code lockFile}, against other processes (the
   * file lock) and other threads of this JVM (a monitor first).
   */
  private static boolean underLock(Path lockFile, Locked body) throws IOException {
    synchronized (stripe(lockFile)) {
      try (FileChannel lockChannel =
              FileChannel.open(
                  lockFile,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS);
          FileLock lock = lockChannel.lock()) {
        return body.run();
      }
    }
  }

  @Override
  public boolean supportsConditionalWrites() {
    return true;
  }

  @Override
  public boolean exists(String key) throws IOException {
    return regularFile(key).isPresent();
  }

  @Override
  public List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    // walk only the folder the prefix names, not the whole store
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
    if (!start.startsWith(root)
        || linkOnTheWay(start)
        || !Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return result;
    }
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> !k.endsWith(TMP_SUFFIX) && !k.endsWith(".lock"))
          .filter(k -> k.startsWith(prefix))
          .filter(k -> startAfter == null || k.compareTo(startAfter) > 0)
          .sorted()
          .forEach(
              k -> {
                try {
                  result.add(
                      new ObjectInfo(
                          k,
                          Files.readAttributes(
                                  resolve(k), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                              .size(),
                          null));
                } catch (NoSuchFileException e) {
                  // deleted between the walk and now: not listed
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return result;
  }

  @Override
  public void delete(String key) throws IOException {
    Path p = resolve(key);
    if (linkOnTheWay(parentOf(p))) {
      throw new NotARegularFileException(key, "behind a symbolic link");
    }
    Files.deleteIfExists(p);
  }

  @Override
  public String describe() {
    return "file://" + root;
  }

  private Path resolve(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
      throw new IllegalArgumentException("not an object key: " + key);
    }
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IllegalArgumentException("object key escapes the store: " + key);
    }
    return p;
  }

  /**
   * The key's file when it is a regular file reached without a link, empty when nothing is there.
   *
   * @throws NotARegularFileException for a link on the way, or anything but a regular file
   */
  private Optional<Path> regularFile(String key) throws IOException {
    Path p = resolve(key);
    if (linkOnTheWay(parentOf(p))) {
      throw new NotARegularFileException(key, "behind a symbolic link");
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (attributes.isSymbolicLink()) {
      throw new NotARegularFileException(key, "a symbolic link");
    }
    if (attributes.isDirectory()) {
      throw new NotARegularFileException(key, "a folder");
    }
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(key, "a FIFO, socket or device");
    }
    return Optional.of(p);
  }

  /** Opens a regular file without following a link swapped in since it was checked. */
  private static InputStream open(Path file) throws IOException {
    return Channels.newInputStream(
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  /** Whether any folder from the root down to {@code dir} is a symbolic link. */
  /** The folder of a path under the root, which always has one. */
  private static Path parentOf(Path p) {
    Path parent = p.getParent();
    if (parent == null) {
      throw new IllegalStateException(p + " has no parent folder");
    }
    return parent;
  }

  private boolean linkOnTheWay(Path dir) {
    Path current = root;
    for (Path name : root.relativize(dir)) {
      if (name.toString().isEmpty()) {
        continue;
      }
      current = current.resolve(name);
      if (Files.isSymbolicLink(current)) {
        return true;
      }
    }
    return false;
  }

  /** Creates the target's folders, refusing to write through a symbolic link on the way. */
  private void createParents(Path target) throws IOException {
    Path parent = parentOf(target);
    if (linkOnTheWay(parent)) {
      throw new NotARegularFileException(
          root.relativize(target).toString(), "behind a symbolic link");
    }
    Files.createDirectories(parent);
    if (linkOnTheWay(parent)) {
      throw new NotARegularFileException(
          root.relativize(target).toString(), "behind a symbolic link");
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** MD5 of a file, streamed: big outputs are never loaded whole. */
  private static String etagOf(Path p) throws IOException {
    try (var in =
        new java.security.DigestInputStream(
            Files.newInputStream(p), MessageDigest.getInstance("MD5"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String etag(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
