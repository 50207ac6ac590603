package dev.cairn.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Object storage as Cairn uses it: keys relative to a configured prefix, whole-object reads and
 * writes, listing in key order, and the two conditional operations the trigger and the claims need.
 * Implementations: {@link FileObjectStore} (a local folder) and {@link S3ObjectStore}.
 */
public interface ObjectStore extends AutoCloseable {

  /** The object's bytes, or empty when the key does not exist. */
  Optional<StoredObject> get(String key) throws IOException;

  /**
   * The object's bytes when it holds at most {@code maxBytes}, or empty when the key does not
   * exist. Everything read from a bucket that others write goes through here, so that no object can
   * exhaust the agent's memory. Implementations stop reading past the limit; this default, for test
   * doubles, checks after a whole read.
   *
   * @throws ObjectTooLargeException when the object is larger
   */
  default Optional<StoredObject> get(String key, long maxBytes) throws IOException {
    Optional<StoredObject> object = get(key);
    if (object.isPresent() && object.get().content().length > maxBytes) {
      throw new ObjectTooLargeException(key, maxBytes);
    }
    return object;
  }

  /**
   * A conditional GET: empty when the object's ETag still equals {@code etag} (or the key does not
   * exist), otherwise the object with its new ETag. A {@code null} etag behaves as {@link #get}.
   */
  Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException;

  /**
   * {@link #getIfChanged(String, String)} that reads at most {@code maxBytes}.
   *
   * @throws ObjectTooLargeException when the changed object is larger
   */
  default Optional<StoredObject> getIfChanged(String key, @Nullable String etag, long maxBytes)
      throws IOException {
    Optional<StoredObject> object = getIfChanged(key, etag);
    if (object.isPresent() && object.get().content().length > maxBytes) {
      throw new ObjectTooLargeException(key, maxBytes);
    }
    return object;
  }

  /** Writes the object, replacing any previous one; returns its new ETag. */
  String put(String key, byte[] content) throws IOException;

  /** Uploads a file (multipart where the store does that); returns the ETag. */
  String putFile(String key, Path file) throws IOException;

  /**
   * Uploads every file to its key and returns their ETags in the same order. Stores that transfer
   * in parallel do so here; the default puts one file after another.
   */
  default List<String> putFiles(List<FileUpload> uploads) throws IOException {
    List<String> etags = new ArrayList<>(uploads.size());
    for (FileUpload upload : uploads) {
      etags.add(putFile(upload.key(), upload.file()));
    }
    return etags;
  }

  /** Downloads the object into {@code target}; false when the key does not exist. */
  boolean getToFile(String key, Path target) throws IOException;

  /**
   * Downloads every object into its file (created or replaced; the caller names a temporary file
   * beside its target and renames it once it has checked the MD5) and returns, in the same order,
   * what each brought, with the MD5 of the bytes written. Stores that transfer in parallel do so
   * here, hashing as the bytes stream in; this default gets one object after another and then reads
   * each file again to hash it.
   */
  default List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
    List<Downloaded> done = new ArrayList<>(downloads.size());
    for (FileDownload d : downloads) {
      done.add(
          getToFile(d.key(), d.file())
              ? new Downloaded(true, Files.size(d.file()), Md5.of(d.file()))
              : Downloaded.MISSING);
    }
    return done;
  }

  /**
   * Writes only when no object exists at the key ({@code If-None-Match: *}); true when this call
   * created it, false when another writer got there first.
   *
   * @throws UnsupportedOperationException when {@link #supportsConditionalWrites()} is false
   */
  boolean putIfAbsent(String key, byte[] content) throws IOException;

  /**
   * Replaces the object at the key only while it is still the one whose ETag is {@code etag}
   * ({@code If-Match}), or, with {@code etag} null, writes it only where none exists; true when
   * this call wrote it, false when another writer changed (or created) it since it was read. Where
   * {@link #supportsConditionalWrites()} is false, it writes unconditionally and returns true.
   */
  boolean putIfMatch(String key, byte[] content, @Nullable String etag) throws IOException;

  /** Whether {@link #putIfAbsent} and {@link #putIfMatch} are atomic on this store. */
  boolean supportsConditionalWrites();

  /** Whether an object exists at the key (a HEAD request on S3). */
  boolean exists(String key) throws IOException;

  /**
   * Objects under {@code prefix} with keys strictly after {@code startAfter} (null for all), in key
   * order.
   */
  List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException;

  /** Deletes the object; no error when it is absent. */
  void delete(String key) throws IOException;

  /** Where this store is, for messages: {@code s3://bucket/prefix (endpoint ...)} or a folder. */
  String describe();

  @Override
  default void close() {}

  /** One object to download and the file it goes to. */
  record FileDownload(String key, Path file) {}

  /**
   * What one download brought: whether the key existed, the bytes written, and their MD5 in hex.
   */
  record Downloaded(boolean found, long size, @Nullable String md5) {
    public static final Downloaded MISSING = new Downloaded(false, 0, null);
  }

  /** One file to upload and the key it goes to. */
  record FileUpload(String key, Path file) {}

  /** One entry of a listing; the ETag may be null where the store does not list it cheaply. */
  record ObjectInfo(String key, long size, @Nullable String etag) {}
}
