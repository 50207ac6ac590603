package dev.cairn.dvc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcConfigTest {
  @TempDir Path tmp;

  @Test
  void render_s3RemoteWithEndpoint() {
    String url = DvcConfig.s3Url("bucket", "/cairn/", "dvc");
    assertEquals("s3://bucket/cairn/dvc", url);
    assertEquals(
        "[core]\n"
            + "    remote = cairn\n"
            + "['remote \"cairn\"']\n"
            + "    url = s3://bucket/cairn/dvc\n"
            + "    endpointurl = https://objects.example.org\n",
        DvcConfig.render("cairn", url, "https://objects.example.org"));
  }

  @Test
  void render_folderRemoteHasNoEndpoint() {
    String url = DvcConfig.fileUrl(Path.of("/srv/store"), "dvc");
    assertEquals(
        "[core]\n    remote = local\n['remote \"local\"']\n    url = /srv/store/dvc\n",
        DvcConfig.render("local", url, null));
  }

  @Test
  void render_refusesCredentialsInUrls() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DvcConfig.render("r", "s3://b/p", "https://key:secret@objects.example.org"));
  }

  @Test
  void write_keepsOtherSettingsAndReplacesTheRemote() throws IOException {
    Path config = tmp.resolve(".dvc/config");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "[core]\n    analytics = false\n    remote = old\n"
            + "['remote \"old\"']\n    url = s3://old/dvc\n"
            + "[remote \"cairn\"]\n    url = s3://stale/dvc\n");

    DvcConfig.write(tmp, "cairn", "s3://bucket/dvc", null);

    assertEquals(
        "[core]\n    remote = cairn\n    analytics = false\n"
            + "['remote \"cairn\"']\n    url = s3://bucket/dvc\n"
            + "['remote \"old\"']\n    url = s3://old/dvc\n",
        Files.readString(config));
    assertEquals("/config.local\n/tmp\n/cache\n", Files.readString(tmp.resolve(".dvc/.gitignore")));
  }
}
