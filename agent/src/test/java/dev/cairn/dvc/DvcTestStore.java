package dev.cairn.dvc;

import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ForwardingObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link FileObjectStore} that records writes and can fail the Nth one. */
class DvcTestStore extends ForwardingObjectStore {
  private final int failOnPut;
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger exists = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final List<String> putKeys = Collections.synchronizedList(new ArrayList<>());

  /** {@code failOnPut} is 1-based; 0 never fails. */
  DvcTestStore(Path root, int failOnPut) throws IOException {
    super(new FileObjectStore(root));
    this.failOnPut = failOnPut;
  }

  int puts() {
    return puts.get();
  }

  int existsCalls() {
    return exists.get();
  }

  int listCalls() {
    return lists.get();
  }

  List<String> putKeys() {
    return List.copyOf(putKeys);
  }

  private void countPut(String key) throws IOException {
    if (puts.incrementAndGet() == failOnPut) {
      throw new IOException("injected failure on put " + failOnPut + " (" + key + ")");
    }
    putKeys.add(key);
  }

  @Override
  public String put(String key, byte[] content) throws IOException {
    countPut(key);
    return delegate.put(key, content);
  }

  @Override
  public String putFile(String key, Path file) throws IOException {
    countPut(key);
    return delegate.putFile(key, file);
  }

  /** One file after another through {@link #putFile}, so each is counted and can fail. */
  @Override
  public List<String> putFiles(List<FileUpload> uploads) throws IOException {
    List<String> etags = new ArrayList<>(uploads.size());
    for (FileUpload u : uploads) {
      etags.add(putFile(u.key(), u.file()));
    }
    return etags;
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    countPut(key);
    return delegate.putIfAbsent(key, content);
  }

  @Override
  public boolean exists(String key) throws IOException {
    exists.incrementAndGet();
    return delegate.exists(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) throws IOException {
    lists.incrementAndGet();
    return delegate.list(prefix, startAfter);
  }
}
