package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  @Test
  void hashAndUpload_eachKeepTheirOwnDefaultNumberOfFiles() {
    BenchCommand.Hash hash = new BenchCommand.Hash();
    new CommandLine(hash).parseArgs();
    BenchCommand.Upload upload = new BenchCommand.Upload();
    new CommandLine(upload).parseArgs("--store", "file:///tmp/x");
    assertEquals(64, hash.payload.files);
    assertEquals(1000, upload.payload.files);
    assertEquals(1024, hash.payload.mib);
    assertEquals(1024, upload.payload.mib);
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
    String upload = new CommandLine(new BenchCommand.Upload()).getUsageMessage();
    assertTrue(hash.contains("Number of files (default: 64)."), hash);
    assertTrue(upload.contains("Number of files (default: 1000)."), upload);
    assertTrue(hash.contains("Total size in MiB (default: 1024)."), hash);
  }
}
