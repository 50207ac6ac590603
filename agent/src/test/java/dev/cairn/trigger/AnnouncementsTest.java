package dev.cairn.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.model.Announcement;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnouncementsTest {
  private static final String A = "11111111-1111-1111-1111-111111111111";
  private static final String B = "22222222-2222-2222-2222-222222222222";
  @TempDir Path tmp;
  private FileObjectStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileObjectStore(tmp.resolve("store"));
  }

  private static Announcement announcement(String cluster, String agent, String lastSeen) {
    return new Announcement(
        Announcement.SCHEMA,
        cluster,
        agent,
        "node1",
        "slurm",
        "1.0",
        "2026-12-07T10:00:00Z",
        lastSeen,
        List.of("gpu", "cpu"),
        1001);
  }

  private void put(Announcement a) throws Exception {
    store.put(StoreKeys.agentKey(a.cluster(), a.agentId()), Json.MAPPER.writeValueAsBytes(a));
  }

  @Test
  void agentKey_isTheFolderOfTheClusterAndTheAgentsId() {
    assertEquals("agents/lsf/" + A + ".json", StoreKeys.agentKey("lsf", A));
  }

  @Test
  void latestByCluster_keepsTheAgentSeenLastOfEachCluster() throws Exception {
    put(announcement("default", A, "2026-12-07T12:00:00Z"));
    put(announcement("default", B, "2026-12-07T12:05:00Z"));
    put(announcement("lsf", A, "2026-12-07T11:00:00Z"));

    Map<String, Announcement> latest = Announcements.latestByCluster(store);

    assertEquals(List.of("default", "lsf"), List.copyOf(latest.keySet()));
    assertEquals(B, latest.get("default").agentId());
    assertEquals(List.of("gpu", "cpu"), latest.get("default").partitions());
    assertEquals(1001, latest.get("default").maxArraySize());
    assertEquals(
        Optional.of(Instant.parse("2026-12-07T12:05:00Z")),
        Announcements.lastSeen(store, "default"));
    assertEquals(
        Optional.of(Instant.parse("2026-12-07T11:00:00Z")), Announcements.lastSeen(store, "lsf"));
  }

  @Test
  void lastSeen_emptyForAClusterNoAgentAnnounced() throws Exception {
    put(announcement("default", A, "2026-12-07T12:00:00Z"));
    assertEquals(Optional.empty(), Announcements.lastSeen(store, "lsf"));
    assertEquals(Map.of(), Announcements.latestByCluster(new FileObjectStore(tmp.resolve("e"))));
  }

  @Test
  void latestByCluster_skipsWhatIsBadWithAWarningAndReadsTheRest() throws Exception {
    put(announcement("default", A, "2026-12-07T12:00:00Z"));
    // larger than an announcement may be
    store.put(StoreKeys.agentKey("big", A), new byte[Announcement.MAX_BYTES + 1]);
    // not JSON
    store.put(StoreKeys.agentKey("junk", A), "{not json".getBytes(StandardCharsets.UTF_8));
    // a key that names another cluster than the announcement
    store.put(
        StoreKeys.agentKey("forged", A),
        Json.MAPPER.writeValueAsBytes(announcement("lsf", A, "2026-12-07T13:00:00Z")));
    // a time that is none
    put(announcement("late", B, "yesterday"));
    // a key that is no agent's
    store.put("agents/default/notes.txt", "x".getBytes(StandardCharsets.UTF_8));

    try (LogCapture logs = new LogCapture()) {
      Map<String, Announcement> latest = Announcements.latestByCluster(store);

      assertEquals(List.of("default"), List.copyOf(latest.keySet()));
      assertEquals(Optional.empty(), Announcements.lastSeen(store, "forged"));
      String text = String.join("\n", logs.lines());
      assertTrue(text.contains("agents/big/" + A + ".json skipped: larger than"), text);
      assertTrue(text.contains("agents/junk/" + A + ".json skipped: not an announcement"), text);
      assertTrue(text.contains("does not name its cluster and agent id"), text);
      assertTrue(text.contains("last_seen 'yesterday' is not an ISO-8601 instant"), text);
    }
  }

  @Test
  void problem_rejectsHostileFields() {
    Announcement good = announcement("default", A, "2026-12-07T12:00:00Z");
    assertEquals(null, good.problem());
    Announcement badPartition =
        new Announcement(
            1, "default", A, "h", "slurm", "1", null, good.lastSeen(), List.of("$(rm)"), 0);
    assertTrue(badPartition.problem().startsWith("partition '$(rm)'"));
    Announcement badCluster =
        new Announcement(1, "../x", A, "h", "slurm", "1", null, good.lastSeen(), List.of(), 0);
    assertTrue(badCluster.problem().startsWith("cluster '../x'"));
    Announcement badSchema =
        new Announcement(2, "default", A, "h", "slurm", "1", null, good.lastSeen(), List.of(), 0);
    assertEquals("schema 2 is not 1", badSchema.problem());
  }
}
