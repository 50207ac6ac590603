package dev.cairn.dvc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Runs transfer tasks on a bounded pool and fails fast: the first failure interrupts the others and
 * is rethrown once they stopped.
 */
final class DvcPool {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private DvcPool() {}

  /** A task that may do I/O. */
  interface Task {
    void run() throws IOException;
  }

  static void runAll(List<Task> tasks, int threads) throws IOException {
    if (tasks.isEmpty()) {
      return;
    }
    int size = Math.max(1, Math.min(threads, tasks.size()));
    ExecutorService pool = Executors.newFixedThreadPool(size, daemonThreads());
    try {
      ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
      for (Task task : tasks) {
        Callable<Void> call =
            () -> {
              task.run();
              return null;
            };
        done.submit(call);
      }
      for (int i = 0; i < tasks.size(); i++) {
        try {
          done.take().get();
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while transferring DVC objects");
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
    }
  }

  private static IOException rethrow(@Nullable Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(cause);
  }

  private static void awaitQuietly(ExecutorService pool) {
    // Bounded: a transfer that ignores the interrupt cannot hold the caller forever, and a late
    // file object is harmless since the .dir object is only written after all of them succeeded.
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads() {
    int pool = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "dvc-transfer-" + pool + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
