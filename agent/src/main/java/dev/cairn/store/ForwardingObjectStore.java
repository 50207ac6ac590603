package dev.cairn.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ObjectStore} that hands every call to the store it wraps; wrappers that count, time or
 * fail some calls override only those. The interface's default methods are left as they are, so
 * that a bounded read or a batch of uploads goes through the wrapper's own {@code get} and {@code
 * putFile} unless it overrides them too.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<StoredObject> get(String key) throws IOException {
    return delegate.get(key);
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException {
    return delegate.getIfChanged(key, etag);
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    return delegate.put(key, content);
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    return delegate.putFile(key, file);
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    return delegate.getToFile(key, target);
  }

  /** The delegate's own batch, which may run in parallel (not one file after another). */
  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    return delegate.putFiles(uploads);
  }

  /** The delegate's own batch, which may run in parallel (not one file after another). */
  @Override
  public List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
    return delegate.getFiles(downloads);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    return delegate.putIfAbsent(key, content);
  }

  @Override
  public boolean putIfMatch(String key, byte[] content, @Nullable String etag) throws IOException {
    return delegate.putIfMatch(key, content, etag);
  }

  @Override
  public boolean supportsConditionalWrites() {
    return delegate.supportsConditionalWrites();
  }

  @Override
  public boolean exists(String key) throws IOException {
    return delegate.exists(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException {
    return delegate.list(prefix, startAfter);
  }

  @Override
  public void delete(String key) throws IOException {
    delegate.delete(key);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
