package dev.cairn.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local folder as object store: the embedded default. Keys are relative paths; writes go to a
 * temporary file first and are renamed into place, so readers never see half an object. ETags are
 * the MD5 of the content, as S3 gives for single-part uploads.
 */
public final class FileObjectStore implements ObjectStore {
  private static final String TMP_SUFFIX = ".cairn-tmp";
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
    try {
      byte[] bytes = Files.readAllBytes(resolve(key));
      return Optional.of(new StoredObject(key, bytes, etag(bytes)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<StoredObject> get(String key, long maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(resolve(key))) {
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
  public Optional<StoredObject> getIfChanged(String key, String etag) throws IOException {
    Optional<StoredObject> current = get(key);
    if (current.isPresent() && etag != null && etag.equals(current.get().etag())) {
      return Optional.empty();
    }
    return current;
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, String etag, long maxBytes)
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
    Files.createDirectories(target.getParent());
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
    Path source = resolve(key);
    if (!Files.isRegularFile(source)) {
      return false;
    }
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
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
    Files.createDirectories(target.getParent());
    // createFile is atomic (O_EXCL); the lock keeps readers from seeing it before it is written.
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    try (FileChannel lockChannel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      if (Files.exists(target)) {
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
    } finally {
      Files.deleteIfExists(lockFile);
    }
  }

  @Override
  public boolean supportsConditionalWrites() {
    return true;
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    // walk only the folder the prefix names, not the whole store
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
    if (!start.startsWith(root) || !Files.isDirectory(start)) {
      return result;
    }
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> !k.endsWith(TMP_SUFFIX) && !k.endsWith(".lock"))
          .filter(k -> k.startsWith(prefix))
          .filter(k -> startAfter == null || k.compareTo(startAfter) > 0)
          .sorted()
          .forEach(
              k -> {
                try {
                  result.add(new ObjectInfo(k, Files.size(resolve(k)), null));
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
    Files.deleteIfExists(resolve(key));
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
