package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cairn.scheduler.ExecCommandRunner;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectStores;
import dev.cairn.store.S3Options;
import dev.cairn.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Runs the upload benchmark against S3Proxy; sizes scale with -Dcairn.bench.files and .mib. */
class S3UploadBenchIT {

  @Test
  void run_uploadsTheFolderAndReportsRates(@TempDir Path serverDir, @TempDir Path work)
      throws Exception {
    int files = Integer.getInteger("cairn.bench.files", 50);
    long bytes = Long.getLong("cairn.bench.mib", 20L) << 20;
    // the SDK's request logging at DEBUG would dominate the timings
    ((Logger) LoggerFactory.getLogger("software.amazon.awssdk")).setLevel(Level.INFO);
    ((Logger) LoggerFactory.getLogger("org.apache.http")).setLevel(Level.INFO);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    try (S3ProxyServer server = S3ProxyServer.start(serverDir)) {
      String url = server.storeUrl("bench-it");
      S3UploadBench.Report report =
          S3UploadBench.run(
              url,
              server.credentials(),
              work,
              files,
              bytes,
              8,
              List.of(S3Options.TransferClient.CRT, S3Options.TransferClient.JAVA),
              new ExecCommandRunner(),
              out);

      assertEquals(files, report.files());
      assertEquals(List.of("crt", "java"), List.copyOf(report.cairn().keySet()));
      assertTrue(report.cairnMbPerSec("crt") > 0 && report.cairnMbPerSec("java") > 0);
      try (ObjectStore store = ObjectStores.open(url, server.credentials())) {
        assertEquals(0, store.list("bench/", null).size(), "the bench cleans up");
      }
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertFalse(text.contains(S3ProxyServer.SECRET_KEY));
  }
}
