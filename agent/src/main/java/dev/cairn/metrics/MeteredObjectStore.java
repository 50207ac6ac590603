package dev.cairn.metrics;

import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ObjectStore} that counts every call by operation and outcome, times it, and counts the
 * bytes that go up and down; the calls themselves go to the store it wraps.
 */
public final class MeteredObjectStore extends ForwardingObjectStore {
  private final Metrics metrics;

  public MeteredObjectStore(ObjectStore store, Metrics metrics) {
    super(store);
    this.metrics = metrics;
  }

  /** One store call that returns a value or throws. */
  private interface Call<T> {
    T call() throws IOException;
  }

  private <T> T timed(String operation, Call<T> call) throws IOException {
    long start = System.nanoTime();
    String outcome = "error";
    try {
      T result = call.call();
      outcome = "ok";
      return result;
    } catch (UnsupportedOperationException e) {
      outcome = "unsupported";
      throw e;
    } finally {
      metrics.storeCall(operation, outcome, start);
    }
  }

  private void bytes(String direction, long n) {
    metrics.storeBytes(direction, n);
  }

  /** A timed read whose object, when there is one, counts as downloaded bytes. */
  private Optional<StoredObject> download(String operation, Call<Optional<StoredObject>> call)
      throws IOException {
    Optional<StoredObject> o = timed(operation, call);
    o.ifPresent(v -> bytes("download", v.content().length));
    return o;
  }

  @Override
  public Optional<StoredObject> get(String key) throws IOException {
    return download("get", () -> delegate.get(key));
  }

  @Override
  public Optional<StoredObject> get(String key, long maxBytes) throws IOException {
    // the wrapped store's own bounded read, which stops reading past the limit
    return download("get", () -> delegate.get(key, maxBytes));
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag, long maxBytes)
      throws IOException {
    return download("get_if_changed", () -> delegate.getIfChanged(key, etag, maxBytes));
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException {
    return download("get_if_changed", () -> delegate.getIfChanged(key, etag));
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    String etag = timed("put", () -> delegate.put(key, content));
    bytes("upload", content.length);
    return etag;
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    String etag = timed("put_file", () -> delegate.putFile(key, file));
    bytes("upload", Files.size(file));
    return etag;
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    boolean found = timed("get_file", () -> delegate.getToFile(key, target));
    if (found) {
      bytes("download", Files.size(target));
    }
    return found;
  }

  /** One batch, still the delegate's (in parallel where it can), counted as one call. */
  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    List<String> etags = timed("put_files", () -> delegate.putFiles(uploads));
    long total = 0;
    for (FileUpload u : uploads) {
      total += Files.size(u.file());
    }
    bytes("upload", total);
    return etags;
  }

  /** One batch, still the delegate's (in parallel where it can), counted as one call. */
  @Override
  public List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
    List<Downloaded> done = timed("get_files", () -> delegate.getFiles(downloads));
    bytes("download", done.stream().mapToLong(Downloaded::size).sum());
    return done;
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    boolean created = timed("put_if_absent", () -> delegate.putIfAbsent(key, content));
    if (created) {
      bytes("upload", content.length);
    }
    return created;
  }

  @Override
  public boolean exists(String key) throws IOException {
    return timed("exists", () -> delegate.exists(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException {
    return timed("list", () -> delegate.list(prefix, startAfter));
  }

  @Override
  public void delete(String key) throws IOException {
    timed(
        "delete",
        () -> {
          delegate.delete(key);
          return Boolean.TRUE; // a call with no value: what timed() returns is dropped
        });
  }
}
