package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.scheduler.ExecCommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashBenchTest {

  @Test
  void run_printsCairnBesideMd5sumOnOneCoreAndOnAll(@TempDir Path work) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    HashBench.Report report = HashBench.run(work, 4, 1 << 20, 1, new ExecCommandRunner(), out);

    String text = captured.toString(StandardCharsets.UTF_8);
    assertTrue(
        Pattern.compile("one core: +cairn [0-9.]+ MB/s, md5sum [0-9.]+ MB/s, ratio [0-9.]+")
            .matcher(text)
            .find(),
        text);
    assertTrue(
        Pattern.compile("all cores: +cairn [0-9.]+ MB/s, xargs -P \\d+ md5sum [0-9.]+ MB/s")
            .matcher(text)
            .find(),
        text);
    assertTrue(report.cairnOne() > 0 && report.cairnAll() > 0);
    assertTrue(report.md5sumOne() > 0 && report.md5sumAll() > 0);
    try (var left = Files.list(work)) {
      assertEquals(0, left.count(), "the bench removes its files");
    }
  }
}
