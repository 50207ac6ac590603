package dev.cairn.agent;

import static dev.cairn.agent.BucketFixture.CONFIG;
import static dev.cairn.agent.BucketFixture.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cairn.model.StoreKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No single bucket object stops the loop: a queue entry, a request, a config, a claim, a status or
 * a cancel request of any content (hostile JSON fields, dates, numbers, bytes, a huge body) or kind
 * (a link, a FIFO, a folder) is planted, the loop ticks within its bound without throwing, and
 * after every case a genuine request still runs to success. Runs 60 cases against one agent with
 * provenance on (each a pass of the loop; a new seed each run).
 */
class BucketObjectPropertyTest {
  private static Path tmp;
  private static BucketFixture fixture;
  private static Agent agent;
  private static final AtomicInteger cases = new AtomicInteger();

  @BeforeContainer
  static void start() throws Exception {
    tmp = Files.createTempDirectory("cairn-bucket-objects");
    fixture = new BucketFixture(tmp);
    agent = fixture.newAgent();
  }

  @AfterContainer
  static void genuineRequestStillRuns() throws Exception {
    try {
      fixture.submit(request(fixture.commit, 1), CONFIG);
      BucketFixture.runUntilIdle(agent);
      assertEquals("SUCCEEDED", fixture.status(fixture.commit).get("state").asText());
    } finally {
      fixture.close();
      deleteTree(tmp);
    }
  }

  /** Deletes the folder, links and FIFOs included, without following a link. */
  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Where the object goes; queue entries and claims come with a valid entry to read them by. */
  enum Slot {
    QUEUE_ENTRY,
    REQUEST_JSON,
    CONFIG_ENV,
    CLAIM,
    STATUS,
    CANCEL
  }

  /** What the object is, apart from its bytes. */
  enum Kind {
    BYTES,
    SYMLINK_TO_FILE,
    SYMLINK_TO_DEV_ZERO,
    FIFO,
    FOLDER,
    SYMLINKED_RUN_FOLDER
  }

  record Planted(Slot slot, Kind kind, byte[] content, String commit) {}

  private static final List<String> VALUES =
      List.of(
          "null",
          "true",
          "-1",
          "0",
          "2",
          "1001",
          "99999999999999999999999",
          "1e999",
          "\"\"",
          "\"+1000000000-12-31T23:59:59Z\"",
          "\"-999999999-01-01T00:00:00Z\"",
          "\"9999-12-31T23:59:59Z\"",
          "\"1970-01-01T00:00:00Z\"",
          "\"2026-12-07T00:00:00Z\"",
          "\"main\"",
          "\"../../etc\"",
          "\"x\\ncairn: forged line\"",
          "\"\\u001b[2J\"",
          "[]",
          "{}",
          "{\"a\": [[[[[[[[1]]]]]]]]}",
          "\"" + "ab".repeat(20) + "\"");

  private static final List<String> FIELDS =
      List.of(
          "commit",
          "branch",
          "pipeline",
          "author",
          "message",
          "submitted_at",
          "config_sha256",
          "attempt",
          "reproduces",
          "agent_id",
          "agent",
          "at",
          "state",
          "schema",
          "run_id",
          "jobs",
          "by",
          "reason");

  @Provide
  Arbitrary<Planted> planted() {
    Arbitrary<String> commit = Arbitraries.strings().withChars("0123456789abcdef").ofLength(40);
    Arbitrary<String> field =
        Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of(VALUES))
            .as((k, v) -> "\"" + k + "\": " + v);
    Arbitrary<byte[]> json =
        field.list().ofMaxSize(8).map(fs -> ("{" + String.join(", ", fs) + "}").getBytes(UTF_8));
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> big = Arbitraries.integers().between(17, 2048).map(k -> new byte[k * 1024]);
    Arbitrary<byte[]> content =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, json),
            net.jqwik.api.Tuple.of(2, bytes),
            net.jqwik.api.Tuple.of(1, big));
    return Combinators.combine(
            Arbitraries.of(Slot.class),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.BYTES)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of(Kind.class))),
            content,
            commit)
        .as(Planted::new);
  }

  // planted objects pile up in one store, so a smaller case would not replay the same state
  @Property(tries = 60, shrinking = ShrinkingMode.OFF)
  void noSingleBucketObjectStopsTheLoop(@ForAll("planted") Planted p) throws Exception {
    plant(p);
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> agent.tick());
    cases.incrementAndGet();
  }

  private static void plant(Planted p) throws Exception {
    String c = p.commit();
    Path root = fixture.store.root();
    // a valid entry and config for the commit, so that the daemon reads the planted object
    if (p.slot() != Slot.QUEUE_ENTRY && p.slot() != Slot.REQUEST_JSON) {
      fixture.submit(request(c, 1), CONFIG);
    }
    String key =
        switch (p.slot()) {
          case QUEUE_ENTRY -> BucketFixture.queueKeyNow(c, 1);
          case REQUEST_JSON -> StoreKeys.requestKey(c);
          case CONFIG_ENV -> StoreKeys.configKey(c);
          case CLAIM -> StoreKeys.claimKey(c, 1);
          case STATUS -> StoreKeys.statusKey(c);
          case CANCEL -> StoreKeys.cancelKey(c);
        };
    Path file = root.resolve(key);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    switch (p.kind()) {
      case BYTES -> Files.write(file, p.content());
      case SYMLINK_TO_FILE ->
          Files.createSymbolicLink(
              file, Files.write(Files.createTempFile(tmp, "outside", ".txt"), p.content()));
      case SYMLINK_TO_DEV_ZERO -> Files.createSymbolicLink(file, Path.of("/dev/zero"));
      case FIFO -> assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor());
      case FOLDER -> Files.createDirectories(file.resolve("inside"));
      case SYMLINKED_RUN_FOLDER -> {
        Path runs = root.resolve("runs").resolve(c);
        if (!Files.exists(runs, java.nio.file.LinkOption.NOFOLLOW_LINKS) || isEmptyDir(runs)) {
          Files.deleteIfExists(runs);
          // the first case planted can be a queue entry, before any run folder exists
          Files.createDirectories(runs.getParent());
          Files.createSymbolicLink(runs, Files.createTempDirectory(tmp, "outside"));
        }
      }
    }
    if (p.slot() == Slot.QUEUE_ENTRY || p.slot() == Slot.REQUEST_JSON) {
      fixture.store.put(StoreKeys.configKey(c), CONFIG.getBytes(UTF_8));
    }
  }

  private static boolean isEmptyDir(Path dir) throws Exception {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }
}
