package dev.cairn.git;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Native {@code git daemon} serving the bare repositories below a folder on a free loopback port,
 * with pushes enabled. Pushes reach the real {@code git receive-pack}, which runs hooks and hands
 * push options to them, as GitLab's Git server does.
 */
public final class GitDaemon implements AutoCloseable {
  private final Process process;
  private final int port;

  private GitDaemon(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the daemon and waits (at most 10 s) until it accepts connections. */
  public static GitDaemon start(Path basePath, Path logFile)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int tries = 0; tries < 3; tries++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Process process =
          new ProcessBuilder(
                  List.of(
                      "git",
                      "daemon",
                      "--reuseaddr",
                      "--listen=127.0.0.1",
                      "--port=" + port,
                      "--base-path=" + basePath,
                      "--export-all",
                      "--enable=receive-pack",
                      "--informative-errors",
                      basePath.toString()))
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      GitDaemon daemon = new GitDaemon(process, port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return daemon;
        } catch (IOException e) {
          last = e;
          Thread.sleep(50);
        }
      }
      daemon.close();
    }
    throw new IOException("git daemon did not start", last);
  }

  /** The git:// URL of the repository {@code name} below the base path. */
  public String url(String name) {
    return "git://127.0.0.1:" + port + "/" + name;
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
