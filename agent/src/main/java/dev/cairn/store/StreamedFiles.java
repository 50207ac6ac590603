package dev.cairn.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Where the bodies of a batch of downloads go: each file's chunks, handed over by the thread that
 * received them, are hashed and written by a small pool of threads, one chunk of a file after
 * another, so the threads that read the network only hand over and go back to reading. The bytes
 * handed over and not yet written are bounded: past the bound, {@link File#accept} waits, which
 * holds back the reader that called it.
 */
final class StreamedFiles implements AutoCloseable {
  private static final AtomicInteger BATCHES = new AtomicInteger();

  /** Bytes hashed and written at a time. */
  private static final int SLICE = 256 * 1024;

  private final ExecutorService writers;
  private final Semaphore budget;
  private final int budgetBytes;

  /**
   * @param threads threads that hash and write (more than the cores gains nothing: MD5 is work for
   *     a core)
   * @param budgetBytes bytes handed over and not yet written, at most; a larger chunk waits until
   *     nothing else is held
   */
  StreamedFiles(int threads, int budgetBytes) {
    if (threads < 1 || budgetBytes < 1) {
      throw new IllegalArgumentException("needs at least one thread and one byte of budget");
    }
    int batch = BATCHES.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    this.writers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "cairn-download-" + batch + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.budget = new Semaphore(budgetBytes);
    this.budgetBytes = budgetBytes;
  }

  /** Creates (or truncates) {@code file} for one object's body. */
  File open(Path file) throws IOException {
    return new File(
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING));
  }

  /** Stops the threads; call once every file is finished. */
  @Override
  public void close() {
    writers.shutdown();
  }

  /** What one file took: its bytes and their MD5 in hex. */
  record Written(long size, String md5) {}

  /**
   * One file: its chunks must come in order, each starting where the last ended, from one thread at
   * a time (the runtime delivers an object's body so); each is written at its offset and fed to the
   * file's MD5 on a writer thread. Chunks are kept, not copied: the caller must not reuse a buffer
   * it handed over.
   */
  final class File {
    private final FileChannel out;
    private final MessageDigest md5 = Md5.digest();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private long received;

    /** Read and written by the writer threads, one task at a time. */
    private volatile long written;

    private volatile @Nullable IOException failure;
    private boolean finished;

    private File(FileChannel out) {
      this.out = out;
    }

    /**
     * Hands over the chunk at {@code offset}; waits while the batch holds its bound of unwritten
     * bytes.
     *
     * @throws IOException when the chunk does not start where the last one ended
     * @throws InterruptedException when interrupted while waiting for room
     */
    synchronized void accept(ByteBuffer chunk, long offset)
        throws IOException, InterruptedException {
      if (finished) {
        throw new IllegalStateException("a chunk after the file was finished");
      }
      if (offset != received) {
        IOException e =
            new IOException(
                "a chunk at byte " + offset + " where byte " + received + " was expected");
        failure = failure == null ? e : failure;
        throw e;
      }
      int n = chunk.remaining();
      int held = Math.min(n, budgetBytes);
      budget.acquire(held);
      received += n;
      tail =
          tail.thenRunAsync(
              () -> {
                try {
                  write(chunk, offset);
                } finally {
                  budget.release(held);
                }
              },
              writers);
    }

    private void write(ByteBuffer chunk, long offset) {
      if (failure != null) {
        return;
      }
      try {
        long at = offset;
        while (chunk.hasRemaining()) {
          // a slice small enough to stay in the core's cache between the MD5 reading it and the
          // write copying it: writing a chunk of 8 MiB at once took three times the system time
          ByteBuffer slice = chunk.duplicate();
          slice.limit(Math.min(chunk.limit(), chunk.position() + SLICE));
          chunk.position(slice.limit());
          md5.update(slice.duplicate());
          while (slice.hasRemaining()) {
            at += out.write(slice, at);
          }
        }
        written = at;
      } catch (IOException e) {
        failure = e;
      }
    }

    /**
     * No more chunks: once those handed over are written, closes the file and completes with its
     * size and MD5, or with the first failure to write it.
     */
    synchronized CompletableFuture<Written> finish() {
      finished = true;
      return tail.handleAsync(
          (v, t) -> {
            IOException closing = null;
            try {
              out.close();
            } catch (IOException e) {
              closing = e;
            }
            IOException first = failure != null ? failure : closing;
            if (first == null && t != null) {
              first = new IOException("writing failed: " + t, t);
            }
            if (first != null) {
              throw new UncheckedIOException(first);
            }
            return new Written(written, Md5.hex(md5));
          },
          writers);
    }
  }
}
