package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes over SSH to an in-process Apache MINA sshd server on loopback that accepts only the
 * test's key and runs the native git-upload-pack / git-receive-pack the client asks for.
 */
class GitSshTest {
  @TempDir Path tmp;
  private SshServer server;
  private KeyPair hostKey;
  private Path remote;
  private Path clientKey;
  private String url;

  @BeforeEach
  void setUp() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    hostKey = generator.generateKeyPair();
    KeyPair client = generator.generateKeyPair();
    clientKey = tmp.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(clientKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "test", null, out);
    }
    remote = GitTestRepos.bareRemote(tmp.resolve("remote.git"), "main", Map.of("a", "b"));

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (user, key, session) -> KeyUtils.compareKeys(key, client.getPublic()));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory(
        (channel, command) ->
            new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel));
    server.start();
    url = "ssh://git@127.0.0.1:" + server.getPort() + remote.toAbsolutePath();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.stop(true);
  }

  private Path knownHosts(KeyPair key) throws Exception {
    String line =
        "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(key.getPublic()) + "\n";
    return Files.writeString(tmp.resolve("known_hosts"), line, UTF_8);
  }

  @Test
  void publish_overSshWithKnownHost() throws Exception {
    try (GitAuth auth = GitAuth.sshKey(clientKey, knownHosts(hostKey), true);
        GitClone clone = GitClone.open(tmp.resolve("agent"), url, auth)) {
      String sha =
          new GitPublisher(clone)
              .publish("main", "results/r1", Map.of("results/r1/x", new byte[] {1}), "r1");
      assertEquals(sha, GitTestRepos.head(remote, "main").name());
    }
  }

  @Test
  void open_strictCheckingRefusesUnknownHostKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    Path wrong = knownHosts(generator.generateKeyPair());
    try (GitAuth auth = GitAuth.sshKey(clientKey, wrong, true)) {
      CairnException e =
          assertThrows(CairnException.class, () -> GitClone.open(tmp.resolve("agent"), url, auth));
      assertTrue(e.getMessage().contains("ssh://127.0.0.1:" + server.getPort()), e.getMessage());
      assertTrue(e.getMessage().contains("key did not validate"), e.getMessage());
    }
  }

  @Test
  void open_laxCheckingAcceptsUnknownHostKey() throws Exception {
    try (GitAuth auth = GitAuth.sshKey(clientKey, tmp.resolve("absent_known_hosts"), false);
        GitClone clone = GitClone.open(tmp.resolve("agent"), url, auth)) {
      assertEquals(
          GitTestRepos.head(remote, "main").getId(),
          clone.repository().exactRef("refs/remotes/origin/main").getObjectId());
    }
  }
}
