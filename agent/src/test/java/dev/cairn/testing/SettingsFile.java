package dev.cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code agent.env} a test hands an agent with {@code --settings}. */
public final class SettingsFile {
  private SettingsFile() {}

  /** Writes {@code dir/agent.env}, one setting a line, and returns its path. */
  public static Path write(Path dir, List<String> lines) throws IOException {
    Path settings = dir.resolve("agent.env");
    Files.writeString(settings, String.join("\n", lines) + "\n");
    return settings;
  }

  /** An agent on a folder store {@code dir/store} with its state in {@code dir/state}. */
  public static Path local(Path dir, String... more) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("CAIRN_STORE=" + dir.resolve("store").toUri());
    lines.add("CAIRN_STATE_DIR=" + dir.resolve("state"));
    lines.addAll(List.of(more));
    return write(dir, lines);
  }

  /**
   * An agent on {@code s3}'s store under {@code prefix}, with its state in {@code dir/state}, that
   * publishes to the Git remote {@code origin}.
   */
  public static Path s3(Path dir, S3ProxyServer s3, String prefix, Path origin, String... more)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(s3.agentSettings(prefix).strip());
    lines.add("CAIRN_STATE_DIR=" + dir.resolve("state"));
    lines.add("CAIRN_REPO_REMOTE=" + origin.toUri());
    lines.addAll(List.of(more));
    return write(dir, lines);
  }
}
