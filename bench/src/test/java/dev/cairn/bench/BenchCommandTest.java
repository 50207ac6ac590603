package dev.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  @Test
  void hashKeepsItsDefaultNumberOfFiles_uploadAndPullTheFourShapesOfTheIssue() {
    BenchCommand.Hash hash = new BenchCommand.Hash();
    new CommandLine(hash).parseArgs();
    assertEquals(64, hash.payload.files);
    assertEquals(1024, hash.payload.mib);
    for (Object command : new Object[] {new BenchCommand.Upload(), new BenchCommand.Pull()}) {
      CommandLine line = new CommandLine(command);
      line.parseArgs("--store", "s3://b/p?endpoint=http://127.0.0.1:9000");
      BenchCommand.Transfers t =
          command instanceof BenchCommand.Upload u
              ? u.transfers
              : ((BenchCommand.Pull) command).transfers;
      assertEquals(List.of("1000x1MiB", "1000x256KiB", "8x128MiB", "10000x16KiB"), t.shapes);
      assertEquals(3, t.rounds);
    }
  }

  @Test
  void shapes_parseAndPrint_andABadOneSaysHowToWriteIt() {
    assertEquals(new TransferBench.Shape(1000, 1 << 20), TransferBench.Shape.parse("1000x1MiB"));
    assertEquals(
        new TransferBench.Shape(10000, 16 << 10), TransferBench.Shape.parse("10000x16KiB"));
    assertEquals("8 x 128 MiB", TransferBench.Shape.parse("8x128MiB").toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TransferBench.Shape.parse("8x128MB"));
    assertEquals(
        "shape '8x128MB' is not FILESxSIZE; write it as 1000x1MiB or 10000x16KiB", e.getMessage());
  }

  @Test
  void payloadOptions_parse() {
    BenchCommand.Hash hash = new BenchCommand.Hash();
    new CommandLine(hash).parseArgs("--files", "3", "--mib", "7");
    assertEquals(3, hash.payload.files);
    assertEquals(7, hash.payload.mib);
  }

  @Test
  void help_showsEachCommandsDefaultNumberOfFiles() {
    String hash = new CommandLine(new BenchCommand.Hash()).getUsageMessage();
    assertTrue(hash.contains("Number of files (default: 64)."), hash);
    assertTrue(hash.contains("Total size in MiB (default: 1024)."), hash);
  }
}
