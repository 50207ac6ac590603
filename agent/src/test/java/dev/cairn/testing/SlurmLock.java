package dev.cairn.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An exclusive lock on a file in the temporary folder, held by one test class at a time across
 * every JVM on the machine: the build runs its integration tests in two JVMs, and a class that
 * restarts the controller, downs the node or counts the queue must have the cluster to itself. A
 * class waits for the lock as long as the class holding it runs (each bounds its own waits).
 */
public final class SlurmLock implements BeforeAllCallback, AfterAllCallback {
  static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "cairn-slurm-tests.lock");

  private static FileChannel channel;
  private static FileLock lock;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    acquire();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    release();
  }

  private static synchronized void acquire() throws IOException {
    if (lock != null) {
      throw new IllegalStateException("the SLURM lock is held already: nested @UsesSlurm classes");
    }
    channel =
        FileChannel.open(
            FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    lock = channel.lock();
  }

  private static synchronized void release() throws IOException {
    try {
      if (lock != null) {
        lock.release();
      }
    } finally {
      lock = null;
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }

  /** Whether a class of this JVM holds the lock now. */
  static synchronized boolean held() {
    return lock != null && lock.isValid();
  }
}
