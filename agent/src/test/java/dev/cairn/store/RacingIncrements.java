package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ObjectStore#putIfMatch} guarantees: writers that each read a counter, add one and
 * write it back with the ETag they read lose no increment, however their reads and writes
 * interleave; a stale ETag, or none where the object exists, writes nothing.
 */
final class RacingIncrements {
  private RacingIncrements() {}

  static void assertNoIncrementIsLost(ObjectStore store, String key) throws Exception {
    int writers = 4;
    int each = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  int lost = 0;
                  for (int i = 0; i < each; i++) {
                    while (true) {
                      Optional<StoredObject> there = store.get(key);
                      int n = there.map(o -> Integer.parseInt(o.text())).orElse(0);
                      String etag = there.map(StoredObject::etag).orElse(null);
                      if (store.putIfMatch(key, bytes(Integer.toString(n + 1)), etag)) {
                        break;
                      }
                      lost++;
                    }
                  }
                  return lost;
                }));
      }
      go.countDown();
      for (Future<Integer> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Integer.toString(writers * each), store.get(key).orElseThrow().text());
    assertStaleEtagWritesNothing(store, key);
  }

  static void assertStaleEtagWritesNothing(ObjectStore store, String key) throws Exception {
    if (store.get(key).isEmpty()) {
      assertTrue(store.putIfMatch(key, bytes("first"), null), "no ETag creates where absent");
    }
    StoredObject now = store.get(key).orElseThrow();
    String stale = store.put(key, bytes("changed"));
    assertFalse(store.putIfMatch(key, bytes("late"), now.etag()), "a stale ETag writes nothing");
    assertFalse(store.putIfMatch(key, bytes("late"), null), "no ETag where the object exists");
    assertEquals("changed", store.get(key).orElseThrow().text());
    assertTrue(store.putIfMatch(key, bytes("current"), stale));
    assertEquals("current", store.get(key).orElseThrow().text());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
