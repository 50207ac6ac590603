package dev.cairn.agent;

import static dev.cairn.agent.BucketFixture.CONFIG;
import static dev.cairn.agent.BucketFixture.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Json;
import dev.cairn.model.RunRequest;
import dev.cairn.model.RunState;
import dev.cairn.model.StoreKeys;
import dev.cairn.testing.LogCapture;
import dev.cairn.trigger.RequestQueue;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of mixed hostile queue entries (commits that exist nowhere, forged configs for the real
 * commit, malformed JSON, far-future dates, oversized, missing, linked and FIFO configs, later
 * attempts, a 300 MB claim), then CI's genuine request: the loop stays up, the genuine request is
 * on record within two passes of its arrival and succeeds, the log holds fewer than 100 lines per
 * 1,000 entries and the rejected ones keep under 1 KiB of state each (5 MB for 5,000). {@code
 * -Dcairn.flood.entries=5000 -DargLine=-Xmx256m} replays the figures of docs/security.md.
 */
class BucketFloodTest {
  private static final int ENTRIES = Integer.getInteger("cairn.flood.entries", 1000);
  @TempDir Path tmp;
  private BucketFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new BucketFixture(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private static String nowhere(int i) {
    return String.format(Locale.ROOT, "%08x", i) + "f".repeat(32);
  }

  private void sparse(Path file, long bytes) throws Exception {
    Files.createDirectories(file.getParent());
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(bytes);
    }
  }

  /** Plants entry {@code i} of the flood, one of ten kinds. */
  private void plant(int i, List<String> fifos) throws Exception {
    String now = Instant.now().toString();
    Path root = f.store.root();
    switch (i % 10) {
      case 0 -> f.submit(request(nowhere(i), 1, now), CONFIG);
      case 1 -> f.submit(request(f.commit, 1, now), CONFIG.replace("EPOCHS=3", "EPOCHS=1"));
      case 2 -> f.store.put(BucketFixture.queueKeyNow(nowhere(i), 1), "{not json".getBytes(UTF_8));
      case 3 -> {
        RunRequest far = request(nowhere(i), 1, "+1000000000-12-31T23:59:59Z");
        f.store.put(StoreKeys.configKey(nowhere(i)), CONFIG.getBytes(UTF_8));
        f.store.put(BucketFixture.queueKeyNow(nowhere(i), 1), Json.MAPPER.writeValueAsBytes(far));
      }
      case 4 -> {
        f.submit(request(nowhere(i), 1, now), CONFIG);
        Path config = root.resolve(StoreKeys.configKey(nowhere(i)));
        Files.delete(config);
        sparse(config, 70 * 1024);
      }
      case 5 -> {
        RunRequest r = request(nowhere(i), 1, now);
        f.store.put(RequestQueue.queueKey(r), Json.MAPPER.writeValueAsBytes(r));
      }
      case 6 -> {
        f.submit(request(nowhere(i), 1, now), CONFIG);
        Path config = root.resolve(StoreKeys.configKey(nowhere(i)));
        Files.delete(config);
        Files.createSymbolicLink(config, Path.of("/etc/hostname"));
      }
      case 7 -> f.submit(request(nowhere(i), 5, now), CONFIG);
      case 8 -> {
        f.submit(request(nowhere(i), 1, now), CONFIG);
        sparse(root.resolve(StoreKeys.claimKey(nowhere(i), 1)), i == 8 ? 300L << 20 : 1 << 20);
      }
      default -> {
        f.submit(request(nowhere(i), 1, now), CONFIG);
        Path config = root.resolve(StoreKeys.configKey(nowhere(i)));
        Files.delete(config);
        fifos.add(config.toString());
      }
    }
  }

  private static long bytesUnder(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void floodOfHostileEntries_keepsTheLoopUpQuietAndSmall() throws Exception {
    List<String> fifos = new ArrayList<>();
    for (int i = 0; i < ENTRIES; i++) {
      plant(i, fifos);
    }
    for (int from = 0; from < fifos.size(); from += 500) {
      List<String> command = new ArrayList<>(List.of("mkfifo"));
      command.addAll(fifos.subList(from, Math.min(fifos.size(), from + 500)));
      assertEquals(0, new ProcessBuilder(command).start().waitFor());
    }
    Agent agent = f.newAgent();
    int ticksToReceive = 0;
    long floodNanos;
    List<String> lines;
    try (LogCapture log = new LogCapture()) {
      long start = System.nanoTime();
      agent.tick();
      floodNanos = System.nanoTime() - start;
      // CI's genuine request arrives after all of them (its config replaces the forged one)
      f.submit(request(f.commit, 1), CONFIG);
      while (ticksToReceive < 2 && !received(agent)) {
        agent.tick();
        ticksToReceive++;
      }
      assertTrue(received(agent), "the genuine request is not on record after 2 passes");
      BucketFixture.runUntilIdle(agent);
      lines = log.lines();
    }
    assertEquals("SUCCEEDED", f.status(f.commit).get("state").asText());
    long rejected =
        agent.runs().values().stream().filter(r -> r.state() == RunState.REJECTED).count();
    long stateBytes =
        bytesUnder(f.settings().stateDir())
            + bytesUnder(tmp.resolve("work/runs"))
            - bytesUnder(tmp.resolve("work/runs/" + f.commit + "-a1"));
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "flood: %d entries, %d rejected runs on record; first pass over them %.1f s; genuine"
            + " request on record %d pass(es) after it arrived; %d log lines; %d bytes of state"
            + " besides the genuine run;"
            + " heap max %d MiB, used %d MiB%n",
        ENTRIES,
        rejected,
        floodNanos / 1e9,
        ticksToReceive,
        lines.size(),
        stateBytes,
        rt.maxMemory() >> 20,
        (rt.totalMemory() - rt.freeMemory()) >> 20);
    assertTrue(lines.size() < ENTRIES / 10, lines.size() + " log lines: " + lines);
    assertTrue(stateBytes < 1024L * ENTRIES, stateBytes + " bytes of state");
  }

  private boolean received(Agent agent) {
    Run run = agent.runs().get(f.commit + "-a1");
    return run != null && run.verified() != null;
  }
}
