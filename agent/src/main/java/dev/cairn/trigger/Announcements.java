package dev.cairn.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** What the agents of each cluster announce in the store under {@code agents/<cluster>/}. */
public final class Announcements {
  private static final long MAX_BYTES = 64 << 10;

  private Announcements() {}

  /** When an agent of {@code cluster} was last seen alive, by its announcements. */
  public static Optional<Instant> lastSeen(ObjectStore store, String cluster) throws IOException {
    Instant latest = null;
    for (ObjectStore.ObjectInfo info : store.list("agents/" + cluster + "/", null)) {
      Optional<StoredObject> object;
      try {
        object = store.get(info.key(), MAX_BYTES);
      } catch (ObjectTooLargeException | NotARegularFileException e) {
        continue;
      }
      if (object.isEmpty()) {
        continue;
      }
      try {
        JsonNode node = Json.MAPPER.readTree(object.get().content());
        Instant seen = Instant.parse(node.path("last_seen").asText(""));
        if (latest == null || seen.isAfter(latest)) {
          latest = seen;
        }
      } catch (IOException | DateTimeParseException e) {
        // not an announcement: ignored
      }
    }
    return Optional.ofNullable(latest);
  }
}
