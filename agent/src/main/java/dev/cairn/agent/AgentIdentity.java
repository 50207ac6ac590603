package dev.cairn.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The agent's identity: a random id generated on its first start and kept in {@code
 * <state>/agent-id}, so that a restarted agent recognises the claims it wrote before a crash as its
 * own. Two agents never share a state folder, so they never share an id.
 */
final class AgentIdentity {
  private static final Pattern VALID = Pattern.compile("[0-9a-f-]{36}");

  private AgentIdentity() {}

  /** The id kept in the state folder, created there on the first call. */
  static String load(Path stateDir) throws IOException {
    Path file = stateDir.resolve("agent-id");
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (VALID.matcher(id).matches()) {
        return id;
      }
    }
    Files.createDirectories(stateDir);
    String id = UUID.randomUUID().toString();
    Path tmp = Files.createTempFile(stateDir, "agent-id", ".tmp");
    Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.delete(tmp);
      return load(stateDir);
    }
    return id;
  }
}
