package dev.cairn.bench;

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

/** An object store that counts the requests made through it, by kind. */
final class CountingStore implements ObjectStore {
  private final ObjectStore inner;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  CountingStore(ObjectStore inner) {
    this.inner = inner;
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
    return inner.get(key);
  }

  @Override
  public Optional<StoredObject> getIfChanged(String key, String etag) throws IOException {
    count("GET If-None-Match");
    return inner.getIfChanged(key, etag);
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    count("PUT");
    return inner.put(key, content);
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    count("PUT");
    return inner.putFile(key, file);
  }

  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    uploads.forEach(u -> count("PUT"));
    return inner.putFiles(uploads);
  }

  @Override
  public boolean getToFile(String key, Path target) throws IOException {
    count("GET");
    return inner.getToFile(key, target);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    count("PUT If-None-Match");
    return inner.putIfAbsent(key, content);
  }

  @Override
  public boolean supportsConditionalWrites() {
    return inner.supportsConditionalWrites();
  }

  @Override
  public boolean exists(String key) throws IOException {
    count("HEAD");
    return inner.exists(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) throws IOException {
    count("LIST");
    return inner.list(prefix, startAfter);
  }

  @Override
  public void delete(String key) throws IOException {
    count("DELETE");
    inner.delete(key);
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void close() {
    inner.close();
  }
}
