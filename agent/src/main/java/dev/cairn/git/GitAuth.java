package dev.cairn.git;

import dev.cairn.CairnException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.jspecify.annotations.Nullable;

/**
 * How the agent authenticates to the Git remote: nothing (file:// and local paths), an HTTPS token
 * read from a named environment variable, or an SSH key file. Secrets never leave this class:
 * {@link #toString()} and {@link #scrub(String)} hide them.
 */
public final class GitAuth implements AutoCloseable {
  /** GitLab accepts any user name with a token; {@code oauth2} is the documented one. */
  public static final String DEFAULT_TOKEN_USER = "oauth2";

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

  private enum Kind {
    NONE,
    TOKEN,
    SSH_KEY
  }

  private final Kind kind;
  private final @Nullable String user;
  private final @Nullable String tokenEnv;
  private final char @Nullable [] token;
  private final @Nullable Path keyFile;
  private final @Nullable Path knownHosts;
  private final boolean strictHostKeyChecking;
  private @Nullable SshdSessionFactory sshFactory;

  private GitAuth(
      Kind kind,
      @Nullable String user,
      @Nullable String tokenEnv,
      char @Nullable [] token,
      @Nullable Path keyFile,
      @Nullable Path knownHosts,
      boolean strictHostKeyChecking) {
    this.kind = kind;
    this.user = user;
    this.tokenEnv = tokenEnv;
    this.token = token;
    this.keyFile = keyFile;
    this.knownHosts = knownHosts;
    this.strictHostKeyChecking = strictHostKeyChecking;
  }

  /** No credentials: file:// URLs, local paths, or a remote that allows anonymous pushes. */
  public static GitAuth none() {
    return new GitAuth(Kind.NONE, null, null, null, null, null, true);
  }

  /**
   * An HTTPS token read now from the environment variable named {@code tokenEnv}.
   *
   * @param user the HTTP user name; null or blank means {@value #DEFAULT_TOKEN_USER}
   * @throws CairnException naming the variable (never its value) when it is unset or blank
   */
  public static GitAuth token(
      @Nullable String user, @Nullable String tokenEnv, Map<String, String> env) {
    if (tokenEnv == null || tokenEnv.isBlank()) {
      throw new CairnException("the Git token variable name is empty; set CAIRN_GIT_TOKEN_ENV");
    }
    String value = env.get(tokenEnv);
    if (value == null || value.isBlank()) {
      throw new CairnException(
          "environment variable "
              + tokenEnv
              + " holds no Git token; export it in the agent's environment"
              + " (a token with write_repository scope)");
    }
    String name = user == null || user.isBlank() ? DEFAULT_TOKEN_USER : user;
    return new GitAuth(Kind.TOKEN, name, tokenEnv, value.strip().toCharArray(), null, null, true);
  }

  /**
   * An SSH private key (OpenSSH format, without passphrase) used through Apache MINA sshd.
   *
   * @param knownHosts the known_hosts file to check the server key against; null means the user's
   *     default (~/.ssh/known_hosts)
   * @param strictHostKeyChecking false accepts unknown server keys (not recommended)
   */
  public static GitAuth sshKey(
      @Nullable Path keyFile, @Nullable Path knownHosts, boolean strictHostKeyChecking) {
    if (keyFile == null || !Files.isReadable(keyFile)) {
      throw new CairnException(
          "SSH key file " + keyFile + " is not readable; set CAIRN_GIT_SSH_KEY to a private key");
    }
    if (knownHosts != null && strictHostKeyChecking && !Files.isReadable(knownHosts)) {
      throw new CairnException(
          "known_hosts file "
              + knownHosts
              + " is not readable; create it with ssh-keyscan (ssh-keyscan HOST >> "
              + knownHosts
              + ")");
    }
    return new GitAuth(
        Kind.SSH_KEY,
        null,
        null,
        null,
        keyFile.toAbsolutePath(),
        knownHosts == null ? null : knownHosts.toAbsolutePath(),
        strictHostKeyChecking);
  }

  /**
   * Picks the authentication for {@code url}: an SSH key for ssh:// and scp-like URLs when a key is
   * given, a token for http(s):// when a variable name is given, otherwise none.
   */
  public static GitAuth forUrl(
      String url,
      String tokenUser,
      String tokenEnv,
      @Nullable Path sshKey,
      @Nullable Path knownHosts,
      boolean strictHostKeyChecking,
      Map<String, String> env) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return tokenEnv == null || tokenEnv.isBlank() ? none() : token(tokenUser, tokenEnv, env);
    }
    boolean ssh =
        lower.startsWith("ssh://")
            || lower.startsWith("git+ssh://")
            || lower.matches("^[^/:]+@[^/:]+:.*")
            || lower.matches("^[a-z0-9.-]+\\.[a-z]+:[^/].*");
    if (ssh && sshKey != null) {
      return sshKey(sshKey, knownHosts, strictHostKeyChecking);
    }
    return none();
  }

  /** Sets credentials or the SSH session factory on a JGit fetch, push or clone command. */
  public <C extends TransportCommand<C, ?>> C apply(C command) {
    switch (kind) {
      case TOKEN ->
          command.setCredentialsProvider(
              new UsernamePasswordCredentialsProvider(
                  user, java.util.Objects.requireNonNull(token, "a token for TOKEN only").clone()));
      case SSH_KEY -> {
        SshdSessionFactory factory = sshFactory();
        command.setTransportConfigCallback(
            transport -> {
              if (transport instanceof SshTransport sshTransport) {
                sshTransport.setSshSessionFactory(factory);
              }
            });
      }
      case NONE -> {}
    }
    return command;
  }

  /** Removes user info from URLs and the token itself from {@code text}, for messages and logs. */
  public String scrub(String text) {
    String out = redactUrl(text);
    char[] secret = token;
    if (secret != null && secret.length > 0) {
      out = out.replace(new String(secret), "***");
    }
    return out;
  }

  /** {@code url} without any user or password part, fit for messages and logs. */
  public static String redactUrl(String url) {
    return USER_INFO.matcher(url).replaceAll("");
  }

  private synchronized SshdSessionFactory sshFactory() {
    if (sshFactory == null) {
      File home = new File(System.getProperty("user.home"));
      File sshDir = new File(home, ".ssh");
      Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      options.put("StrictHostKeyChecking", strictHostKeyChecking ? "yes" : "no");
      options.put(
          "IdentityFile",
          java.util.Objects.requireNonNull(keyFile, "an SSH factory for SSH keys only").toString());
      options.put("IdentitiesOnly", "yes");
      options.put("BatchMode", "yes");
      if (knownHosts != null) {
        options.put("UserKnownHostsFile", knownHosts.toString());
      }
      SshConfigStore.HostConfig config = new FixedHostConfig(options);
      SshConfigStore store =
          new SshConfigStore() {
            @Override
            public HostConfig lookup(String hostName, int port, String userName) {
              return config;
            }

            @Override
            public HostConfig lookupDefault(String hostName, int port, String userName) {
              return config;
            }
          };
      sshFactory =
          new SshdSessionFactoryBuilder()
              .setHomeDirectory(home)
              .setSshDirectory(sshDir)
              .setConfigStoreFactory((h, f, u) -> store)
              .setDefaultIdentities(d -> List.of(keyFile))
              .setDefaultKnownHostsFiles(
                  d ->
                      knownHosts == null
                          ? List.of(sshDir.toPath().resolve("known_hosts"))
                          : List.of(knownHosts))
              .build(null);
    }
    return sshFactory;
  }

  /** Whether this is SSH, token or no authentication, for tests and diagnostics. */
  public String kind() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** The environment variable holding the token, when token authentication is used. */
  public Optional<String> tokenVariable() {
    return Optional.ofNullable(tokenEnv);
  }

  @Override
  public synchronized void close() {
    SshdSessionFactory factory = sshFactory;
    if (factory != null) {
      factory.close();
      sshFactory = null;
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "GitAuth[none]";
      case TOKEN -> "GitAuth[token user=" + user + " from $" + tokenEnv + "]";
      case SSH_KEY ->
          "GitAuth[ssh key="
              + keyFile
              + " knownHosts="
              + (knownHosts == null ? "default" : knownHosts)
              + " strictHostKeyChecking="
              + strictHostKeyChecking
              + "]";
    };
  }

  /** One fixed set of ssh_config options, whatever the host. */
  private record FixedHostConfig(Map<String, String> options) implements SshConfigStore.HostConfig {
    @Override
    public @Nullable String getValue(String key) {
      return options.get(key);
    }

    @Override
    public List<String> getValues(String key) {
      String value = options.get(key);
      return value == null ? List.of() : List.of(value);
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Map<String, List<String>> getMultiValuedOptions() {
      Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      options.forEach((k, v) -> multi.put(k, List.of(v)));
      return multi;
    }
  }
}
