package dev.cairn.git;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ref lock files that a crashed push left in a remote on this machine ({@code file://} or a path).
 * Git holds a ref's {@code .lock} only while it rewrites that ref, for milliseconds; a push killed
 * in that moment leaves it behind and every later push to the branch fails. A lock is cleared only
 * when no live push can hold it: it is older than {@link #STALE_AGE}, or it appeared after a push
 * of this agent began whose process is dead (each push leaves a marker with its pid in the clone
 * until it ends) and is a few seconds old. Locks in remotes on other machines are never touched.
 */
final class RemoteLocks {
  static final Duration STALE_AGE = Duration.ofMinutes(2);
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final String MARKER = "cairn-push-";
  private static final Logger LOG = LoggerFactory.getLogger(RemoteLocks.class);

  private final Path cloneDir;
  private final Optional<Path> remote;

  RemoteLocks(Path cloneDir, String remoteUrl) {
    this.cloneDir = cloneDir;
    this.remote = localRepository(remoteUrl);
  }

  /** Marks a push of this process as begun; {@link #pushEnded} removes the mark. */
  void pushBegins() throws IOException {
    Files.writeString(marker(ProcessHandle.current().pid()), Instant.now().toString());
  }

  /** Removes this process's mark and, after a successful push, those of dead processes. */
  void pushEnded(boolean pushed) {
    try {
      Files.deleteIfExists(marker(ProcessHandle.current().pid()));
      if (pushed) {
        for (Path m : deadMarkers()) {
          Files.deleteIfExists(m);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot remove push markers in {}: {}", cloneDir, e.getMessage());
    }
  }

  /** The branch's lock file in the remote, where the remote is a folder here and it exists. */
  Optional<Path> lockOf(String branch) {
    return remote.map(r -> r.resolve(Constants.R_HEADS + branch + ".lock")).filter(Files::exists);
  }

  /**
   * Removes the branch's lock when it is stale by the rules above.
   *
   * @return true when a lock was removed, so the push may be tried again
   */
  boolean clearIfStale(String branch) throws IOException {
    Optional<Path> lock = lockOf(branch);
    if (lock.isEmpty()) {
      return false;
    }
    Instant made;
    try {
      made = Files.getLastModifiedTime(lock.get()).toInstant();
    } catch (NoSuchFileException e) {
      return true;
    }
    Duration age = Duration.between(made, Instant.now());
    Optional<Instant> crashedPush = crashedPushSince();
    boolean stale =
        age.compareTo(STALE_AGE) >= 0
            || (crashedPush.isPresent()
                && !made.isBefore(crashedPush.get().minus(SETTLE))
                && age.compareTo(SETTLE) >= 0);
    if (!stale) {
      return false;
    }
    Files.deleteIfExists(lock.get());
    LOG.warn(
        "removed {} ({} s old), left by a push that was killed; pushing again",
        lock.get(),
        age.toSeconds());
    return true;
  }

  /** When the earliest push of a dead agent process began. */
  private Optional<Instant> crashedPushSince() throws IOException {
    List<Instant> begun = new ArrayList<>();
    for (Path m : deadMarkers()) {
      try {
        begun.add(Instant.parse(Files.readString(m, StandardCharsets.UTF_8).strip()));
      } catch (RuntimeException e) {
        LOG.debug("unreadable push marker {}", m);
      }
    }
    return begun.stream().min(Instant::compareTo);
  }

  /** Markers of pushes whose agent process is gone: they never ended. */
  private List<Path> deadMarkers() throws IOException {
    List<Path> dead = new ArrayList<>();
    try (DirectoryStream<Path> markers = Files.newDirectoryStream(cloneDir, MARKER + "*")) {
      for (Path m : markers) {
        long pid;
        try {
          pid = Long.parseLong(m.getFileName().toString().substring(MARKER.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          dead.add(m);
        }
      }
    }
    return dead;
  }

  private Path marker(long pid) {
    return cloneDir.resolve(MARKER + pid);
  }

  private static Optional<Path> localRepository(String url) {
    Path path;
    try {
      path = url.startsWith("file:") ? Path.of(URI.create(url)) : Path.of(url);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!path.isAbsolute() || !Files.isDirectory(path)) {
      return Optional.empty();
    }
    Path dotGit = path.resolve(Constants.DOT_GIT);
    return Optional.of(Files.isDirectory(dotGit) ? dotGit : path);
  }
}
