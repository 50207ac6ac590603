package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.CairnException;
import dev.cairn.testing.LogCapture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitAuthTest {
  private static final String TOKEN = "glpat-s3cr3t-T0ken-value";
  @TempDir Path tmp;

  @Test
  void token_toStringNamesVariableNotValue() {
    GitAuth auth = GitAuth.token(null, "CAIRN_GIT_TOKEN", Map.of("CAIRN_GIT_TOKEN", TOKEN));
    assertEquals("GitAuth[token user=oauth2 from $CAIRN_GIT_TOKEN]", auth.toString());
    assertEquals("token", auth.kind());
  }

  @Test
  void token_missingVariableNamesTheVariable() {
    CairnException e =
        assertThrows(
            CairnException.class, () -> GitAuth.token("bot", "MY_TOKEN", Map.of("OTHER", TOKEN)));
    assertTrue(e.getMessage().contains("MY_TOKEN"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    assertThrows(
        CairnException.class, () -> GitAuth.token("bot", "MY_TOKEN", Map.of("MY_TOKEN", " ")));
  }

  @Test
  void scrub_removesTokenAndUserInfo() {
    GitAuth auth = GitAuth.token("bot", "T", Map.of("T", TOKEN));
    String scrubbed =
        auth.scrub("https://oauth2:" + TOKEN + "@gitlab.example/g/r.git: bad " + TOKEN + " here");
    assertEquals("https://gitlab.example/g/r.git: bad *** here", scrubbed);
    assertEquals(
        "ssh://gitlab.example/g/r.git", GitAuth.redactUrl("ssh://git@gitlab.example/g/r.git"));
  }

  @Test
  void forUrl_picksAuthenticationByScheme() throws Exception {
    Map<String, String> env = Map.of("T", TOKEN);
    Path key = Files.writeString(tmp.resolve("id_ed25519"), "key");
    assertEquals(
        "token", GitAuth.forUrl("https://h/g/r.git", null, "T", key, null, true, env).kind());
    assertEquals(
        "none", GitAuth.forUrl("https://h/g/r.git", null, null, key, null, true, env).kind());
    assertEquals(
        "ssh_key", GitAuth.forUrl("git@h:g/r.git", null, "T", key, null, true, env).kind());
    assertEquals(
        "ssh_key", GitAuth.forUrl("ssh://git@h/g/r.git", null, null, key, null, false, env).kind());
    assertEquals(
        "none", GitAuth.forUrl("file:///srv/r.git", null, "T", key, null, true, env).kind());
    assertEquals("none", GitAuth.forUrl("/srv/r.git", null, "T", key, null, true, env).kind());
  }

  @Test
  void sshKey_unreadableFilesAreNamed() throws Exception {
    Path missing = tmp.resolve("nope");
    CairnException e =
        assertThrows(CairnException.class, () -> GitAuth.sshKey(missing, null, true));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Path key = Files.writeString(tmp.resolve("id"), "key");
    e = assertThrows(CairnException.class, () -> GitAuth.sshKey(key, missing, true));
    assertTrue(e.getMessage().contains("known_hosts"), e.getMessage());
    try (GitAuth lax = GitAuth.sshKey(key, missing, false)) {
      assertTrue(lax.toString().contains("strictHostKeyChecking=false"), lax.toString());
    }
  }

  @Test
  void open_refusingHttpRemoteNeverShowsToken() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String header = exchange.getRequestHeaders().getFirst("Authorization");
          if (header != null) {
            authorizations.add(header);
          }
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitLab\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/group/exp.git";
    try (LogCapture logs = new LogCapture()) {
      GitAuth auth = GitAuth.token("oauth2", "CAIRN_GIT_TOKEN", Map.of("CAIRN_GIT_TOKEN", TOKEN));
      CairnException e =
          assertThrows(CairnException.class, () -> GitClone.open(tmp.resolve("c"), url, auth));

      assertTrue(e.getMessage().contains(url), e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains(TOKEN), t.toString());
      }
      assertFalse(logs.lines().toString().contains(TOKEN), logs.lines().toString());
      String expected =
          "Basic " + Base64.getEncoder().encodeToString(("oauth2:" + TOKEN).getBytes(UTF_8));
      assertTrue(authorizations.contains(expected), "the token must have been offered");
    } finally {
      server.stop(0);
    }
  }
}
