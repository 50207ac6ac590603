package dev.cairn.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import dev.cairn.config.AgentSettings;
import dev.cairn.config.GitlabSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitLab token comes from an owner-only file or a named variable; no message holds it. */
class GitlabTokenTest {
  static final String TOKEN = "glpat-secret-value-123";
  @TempDir Path tmp;

  static GitlabSettings settings(Map<String, String> extra) {
    Map<String, String> s = new java.util.HashMap<>(extra);
    s.put("CAIRN_STORE", "file:///x");
    s.put("CAIRN_GITLAB_URL", "https://gitlab.example.com");
    s.put("CAIRN_GITLAB_PROJECT", "42");
    return AgentSettings.load(null, s).gitlab();
  }

  @Test
  void file_ownerOnly_isRead() throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals(
        TOKEN,
        GitlabToken.read(settings(Map.of("CAIRN_GITLAB_TOKEN_FILE", file.toString())), Map.of()));
  }

  @Test
  void file_readableByTheGroup_isRefusedWithTheFix() throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, TOKEN);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    CairnException e =
        assertThrows(
            CairnException.class,
            () ->
                GitlabToken.read(
                    settings(Map.of("CAIRN_GITLAB_TOKEN_FILE", file.toString())), Map.of()));
    assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
  }

  @Test
  void variable_namedBySettings_isRead_andAnEmptyOneNamedWithoutItsValue() {
    GitlabSettings s = settings(Map.of("CAIRN_GITLAB_TOKEN_ENV", "SITE_GITLAB_TOKEN"));
    assertEquals(TOKEN, GitlabToken.read(s, Map.of("SITE_GITLAB_TOKEN", " " + TOKEN + " ")));
    CairnException e =
        assertThrows(
            CairnException.class, () -> GitlabToken.read(s, Map.of("CAIRN_GITLAB_TOKEN", TOKEN)));
    assertTrue(e.getMessage().contains("SITE_GITLAB_TOKEN holds no GitLab token"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    assertFalse(s.toString().contains(TOKEN));
  }
}
