package dev.cairn.bench;

import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** An object store that counts the requests made through it, by kind. */
final class CountingStore extends ForwardingObjectStore {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  CountingStore(ObjectStore inner) {
    super(inner);
  }

  private void count(String kind) {
    counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  Map<String, Long> counts() {
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }

  long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  @Override
  public Optional<StoredObject> get(String key) throws IOException {
    count("GET");
    return delegate.get(key);
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, @Nullable String etag) throws IOException {
    count("GET If-None-Match");
    return delegate.getIfChanged(key, etag);
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    count("PUT");
    return delegate.put(key, content);
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    count("PUT");
    return delegate.putFile(key, file);
  }

  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    uploads.forEach(u -> count("PUT"));
    return delegate.putFiles(uploads);
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    count("GET");
    return delegate.getToFile(key, target);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    count("PUT If-None-Match");
    return delegate.putIfAbsent(key, content);
  }

  @Override
  public boolean exists(String key) throws IOException {
    count("HEAD");
    return delegate.exists(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix, @Nullable String startAfter) throws IOException {
    count("LIST");
    return delegate.list(prefix, startAfter);
  }

  @Override
  public void delete(String key) throws IOException {
    count("DELETE");
    delegate.delete(key);
  }
}
