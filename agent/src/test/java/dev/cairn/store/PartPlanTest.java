package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartPlanTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void eightFilesOf128MiB_on2Cores_make16MiBParts_16InFlight() {
    long[] sizes = new long[8];
    java.util.Arrays.fill(sizes, 128 * MIB);
    assertEquals(new PartPlan(16 * MIB, 16), PartPlan.of(sizes, 16 * MIB, 16 * MIB, 16, 2));
  }

  @Test
  void moreCoresMoreInFlight_upTo64() {
    long[] sizes = {1 * MIB};
    assertEquals(64, PartPlan.of(sizes, 16 * MIB, 16 * MIB, 16, 8).concurrency());
    assertEquals(64, PartPlan.of(sizes, 16 * MIB, 16 * MIB, 16, 96).concurrency());
    assertEquals(100, PartPlan.of(sizes, 16 * MIB, 16 * MIB, 100, 2).concurrency());
  }

  @Test
  void smallFilesOnly_keepTheConfiguredPart() {
    long[] sizes = new long[1000];
    java.util.Arrays.fill(sizes, MIB);
    assertEquals(16 * MIB, PartPlan.of(sizes, 16 * MIB, 16 * MIB, 16, 2).partSize());
  }

  @Test
  void manyLargeBytes_growPartsTo64MiB_andAHugeFileFitsIn10000Parts() {
    long[] tens = new long[40];
    java.util.Arrays.fill(tens, 1024 * MIB);
    assertEquals(64 * MIB, PartPlan.of(tens, 16 * MIB, 16 * MIB, 16, 2).partSize());
    long[] huge = {5L << 40};
    PartPlan plan = PartPlan.of(huge, 16 * MIB, 16 * MIB, 16, 2);
    assertEquals(525 * MIB, plan.partSize());
    assertEquals(true, (huge[0] + plan.partSize() - 1) / plan.partSize() <= 10_000);
  }

  @Test
  void partsGrowWithTheBatch_roundedToMiB() {
    long[] sizes = {3000 * MIB};
    // 3000 MiB over 4 x 16 requests = 46.875 MiB, rounded up
    assertEquals(47 * MIB, PartPlan.of(sizes, 16 * MIB, 16 * MIB, 16, 2).partSize());
  }
}
