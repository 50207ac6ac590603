package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.config.AgentSettings;
import dev.cairn.model.Announcement;
import dev.cairn.model.StoreKeys;
import dev.cairn.scheduler.FakeSchedulers;
import dev.cairn.scheduler.JobStatus;
import dev.cairn.scheduler.JobSubmission;
import dev.cairn.scheduler.Scheduler;
import dev.cairn.store.FileObjectStore;
import dev.cairn.store.ForwardingObjectStore;
import dev.cairn.store.ObjectStore;
import dev.cairn.testing.LogCapture;
import dev.cairn.testing.ManualClock;
import dev.cairn.testing.TestAgents;
import dev.cairn.trigger.Announcements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's announcement: what it says, how often it writes it, and that failing is harmless. */
class AnnouncerTest {
  private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");
  @TempDir Path tmp;
  private FileObjectStore folder;
  private Puts store;
  private final ManualClock clock = new ManualClock(START);
  private final Lsf lsf = new Lsf();
  private AgentSettings settings;

  @BeforeEach
  void setUp() throws Exception {
    folder = new FileObjectStore(tmp.resolve("store"));
    store = new Puts(folder);
    settings =
        TestAgents.settings(
            tmp,
            folder,
            Map.of(
                "CAIRN_CLUSTER", "hpc-lsf",
                "CAIRN_SCHEDULER", "lsf",
                "CAIRN_POLL_MAX_SECONDS", "60"));
  }

  private Announcer announcer() throws IOException {
    return new Announcer(store, FakeSchedulers.of(lsf), clock, settings);
  }

  private Announcement stored() throws Exception {
    return Announcements.latestByCluster(folder).get("hpc-lsf");
  }

  @Test
  void announceIfDue_writesAtStartThenAtMostOncePerIdleInterval() throws Exception {
    Announcer announcer = announcer();
    announcer.announceIfDue();
    assertEquals(1, store.puts.size());
    String id = Files.readString(tmp.resolve("state/agent-id")).strip();
    assertEquals(StoreKeys.agentKey("hpc-lsf", id), store.puts.get(0));

    Announcement first = stored();
    assertEquals("lsf", first.scheduler());
    assertEquals(List.of("normal", "gpu"), first.partitions());
    assertEquals(10000, first.maxArraySize());
    assertEquals(START.toString(), first.startedAt());
    assertEquals(START.toString(), first.lastSeen());

    // busy ticks every 5 s: no write until the idle interval has passed
    for (int i = 0; i < 11; i++) {
      clock.advance(Duration.ofSeconds(5));
      announcer.announceIfDue();
    }
    assertEquals(1, store.puts.size());
    clock.advance(Duration.ofSeconds(5));
    announcer.announceIfDue();
    assertEquals(2, store.puts.size());
    Announcement second = stored();
    assertEquals(START.plusSeconds(60).toString(), second.lastSeen());
    assertEquals(START.toString(), second.startedAt());
    // partitions are asked once an hour, not at every announcement
    assertEquals(1, lsf.asked);
  }

  @Test
  void announceIfDue_asksTheSchedulerAgainAfterAnHour() throws Exception {
    Announcer announcer = announcer();
    announcer.announceIfDue();
    lsf.queues = List.of("normal", "gpu", "gpu_long");
    clock.advance(Announcer.CAPABILITIES_EVERY);
    announcer.announceIfDue();
    assertEquals(2, lsf.asked);
    assertEquals(List.of("normal", "gpu", "gpu_long"), stored().partitions());
  }

  @Test
  void announceIfDue_aFailingStoreOrSchedulerIsLoggedOnceAndNeverThrows() throws Exception {
    Announcer announcer = announcer();
    lsf.failing = true;
    store.failing = true;
    try (LogCapture logs = new LogCapture()) {
      announcer.announceIfDue();
      clock.advance(Duration.ofSeconds(60));
      announcer.announceIfDue();
      long warnings = logs.lines().stream().filter(l -> l.contains("could not be written")).count();
      assertEquals(1, warnings, String.join("\n", logs.lines()));
    }
    // the scheduler still fails: the announcement goes out without what it can run
    store.failing = false;
    clock.advance(Duration.ofSeconds(60));
    announcer.announceIfDue();
    assertEquals(List.of(), stored().partitions());
    lsf.failing = false;
    clock.advance(Duration.ofSeconds(60));
    announcer.announceIfDue();
    assertEquals(List.of("normal", "gpu"), stored().partitions());
  }

  @Test
  void tick_announcesTheAgentOfTheDefaultCluster() throws Exception {
    AgentSettings plain = TestAgents.settings(tmp, folder, Map.of());
    Agent agent =
        TestAgents.agent(
            plain,
            folder,
            FakeSchedulers.of(new dev.cairn.testing.FakeScheduler("slurm", 1001)),
            TestAgents.loopTemplates());
    agent.tick();
    Announcement a = Announcements.latestByCluster(folder).get("default");
    assertEquals("slurm", a.scheduler());
    assertEquals(1001, a.maxArraySize());
    assertTrue(Announcements.lastSeen(folder, "default").isPresent());
  }

  /** A store that records the keys put and can fail every put. */
  private static final class Puts extends ForwardingObjectStore {
    final List<String> puts = new ArrayList<>();
    boolean failing;

    Puts(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public String put(String key, byte[] content) throws IOException {
      if (failing) {
        throw new IOException("store unreachable");
      }
      puts.add(key);
      return super.put(key, content);
    }
  }

  /** An LSF that lists queues, counting how often it was asked. */
  private static final class Lsf implements Scheduler {
    List<String> queues = List.of("normal", "gpu");
    int asked;
    boolean failing;

    @Override
    public String name() {
      return "lsf";
    }

    @Override
    public List<String> partitions() throws IOException {
      asked++;
      if (failing) {
        throw new IOException("LSF is down");
      }
      return queues;
    }

    @Override
    public int maxArraySize() {
      return 10000;
    }

    @Override
    public String submit(JobSubmission submission) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, JobStatus> status(Collection<String> ids) {
      return Map.of();
    }

    @Override
    public Optional<String> findByName(String jobName) {
      return Optional.empty();
    }

    @Override
    public void cancel(Collection<String> ids) {}
  }
}
