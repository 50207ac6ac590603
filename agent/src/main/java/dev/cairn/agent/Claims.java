package dev.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Faults;
import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import dev.cairn.store.ObjectTooLargeException;
import dev.cairn.store.StoredObject;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims a request with a conditional write so that no two agents run it, and recognises this
 * agent's own claim after a restart. A claim is anyone's object: it is read with a small limit, and
 * one that is too large or not a regular file is not this agent's.
 */
final class Claims {
  private static final Logger log = LoggerFactory.getLogger(Claims.class);
  private final Faults faults;
  private final ObjectStore store;
  private final Clock clock;
  private final String agentId;

  Claims(ObjectStore store, Clock clock, String agentId, Faults faults) {
    this.store = store;
    this.faults = faults;
    this.clock = clock;
    this.agentId = agentId;
  }

  /**
   * Whether this agent may run the request, or its cluster's share of it ({@code cluster} not null,
   * where the config routes trials to clusters): it claimed it now, or before a restart.
   */
  boolean claim(RunRequest request, @Nullable String cluster) throws IOException {
    String key =
        cluster == null
            ? StoreKeys.claimKey(request.commit(), request.attemptOrFirst())
            : StoreKeys.shareClaimKey(request.commit(), request.attemptOrFirst(), cluster);
    if (!store.supportsConditionalWrites()) {
      return true;
    }
    byte[] claim =
        Json.MAPPER.writeValueAsBytes(
            cluster == null
                ? Map.of("agent", hostName(), "agent_id", agentId, "at", clock.instant().toString())
                : Map.of(
                    "agent",
                    hostName(),
                    "agent_id",
                    agentId,
                    "cluster",
                    cluster,
                    "at",
                    clock.instant().toString()));
    faults.at("claiming");
    boolean claimed = store.putIfAbsent(key, claim);
    faults.at("claim");
    if (claimed) {
      return true;
    }
    // killed between the claim and the run record, this agent finds its own claim: adopt it
    if (ownClaim(key)) {
      log.info("request {} was claimed by this agent before a restart; resuming it", key);
      return true;
    }
    return false;
  }

  private boolean ownClaim(String key) throws IOException {
    Optional<StoredObject> stored;
    try {
      stored = store.get(key, RunRequest.MAX_CLAIM_BYTES);
    } catch (ObjectTooLargeException | NotARegularFileException e) {
      // not a claim this agent wrote
      return false;
    }
    if (stored.isEmpty()) {
      return false;
    }
    try {
      JsonNode claim = Json.MAPPER.readTree(stored.get().content());
      return agentId.equals(claim.path("agent_id").asText(null));
    } catch (IOException e) {
      return false;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
