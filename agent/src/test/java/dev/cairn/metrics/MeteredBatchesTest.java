package dev.cairn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's store is metered: its batches must still reach the store as batches, which an S3
 * store runs in parallel (one file after another through putFile was the default).
 */
class MeteredBatchesTest {
  @TempDir Path tmp;

  /** Records the batches it is handed, and refuses single-file calls. */
  private static final class Batches extends ForwardingObjectStore {
    final List<Integer> putBatches = new ArrayList<>();
    final List<Integer> getBatches = new ArrayList<>();

    Batches(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public String putFile(String key, Path file) {
      throw new AssertionError("a batch went file by file: " + key);
    }

    @Override
    public boolean getToFile(String key, Path target) {
      throw new AssertionError("a batch went file by file: " + key);
    }

    @Override
    public List<String> putFiles(List<FileUpload> uploads) throws IOException {
      putBatches.add(uploads.size());
      List<String> etags = new ArrayList<>();
      for (FileUpload u : uploads) {
        etags.add(delegate.putFile(u.key(), u.file()));
      }
      return etags;
    }

    @Override
    public List<Downloaded> getFiles(List<FileDownload> downloads) throws IOException {
      getBatches.add(downloads.size());
      return delegate.getFiles(downloads);
    }
  }

  private static String md5(String s) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("MD5").digest(s.getBytes()));
  }

  @Test
  void putFilesAndGetFilesReachTheStoreAsOneBatchEach() throws Exception {
    Batches inner = new Batches(new FileObjectStore(tmp.resolve("store")));
    PrometheusMetrics metrics = new PrometheusMetrics(Clock.systemUTC());
    MeteredObjectStore metered = new MeteredObjectStore(inner, metrics);
    List<ObjectStore.FileUpload> uploads = new ArrayList<>();
    List<ObjectStore.FileDownload> downloads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Path f = Files.writeString(tmp.resolve("f" + i), "file " + i);
      uploads.add(new ObjectStore.FileUpload("k/" + i, f));
      downloads.add(new ObjectStore.FileDownload("k/" + i, tmp.resolve("back/f" + i)));
    }
    downloads.add(new ObjectStore.FileDownload("k/none", tmp.resolve("back/none")));

    assertEquals(5, metered.putFiles(uploads).size());
    List<ObjectStore.Downloaded> done = metered.getFiles(downloads);

    assertEquals(List.of(5), inner.putBatches);
    // this agent's own count: five files of six bytes, each batch one call
    assertEquals(30.0, metrics.uploadedBytes());
    assertEquals(List.of(6), inner.getBatches);
    for (int i = 0; i < 5; i++) {
      assertEquals("file " + i, Files.readString(tmp.resolve("back/f" + i)));
      assertEquals(6, done.get(i).size());
      assertEquals(md5("file " + i), done.get(i).md5());
    }
    assertTrue(!done.get(5).found());
  }
}
