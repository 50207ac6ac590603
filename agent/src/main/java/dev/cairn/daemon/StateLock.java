package dev.cairn.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The lock on an agent's state folder ({@code <CAIRN_STATE_DIR>/agent.lock}): one agent process at
 * a time works on a state folder, so a daemon and a cron-started {@code run --once}, or two
 * overlapping {@code run --once}, never submit the same job twice. The operating system releases it
 * when the process ends, however it ends.
 */
public final class StateLock implements AutoCloseable {
  public static final String FILE = "agent.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or null where another process (or this one) holds it. */
  public static @Nullable StateLock tryAcquire(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    FileChannel channel =
        FileChannel.open(
            stateDir.resolve(FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
        0);
    return new StateLock(channel, lock);
  }

  /** Who holds the lock, as its file says: "pid 1234", or "another process". */
  public static String holder(Path stateDir) {
    try {
      String pid = Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII).strip();
      return pid.matches("\\d+") ? "pid " + pid : "another process";
    } catch (IOException e) {
      return "another process";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
