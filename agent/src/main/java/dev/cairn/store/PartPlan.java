package dev.cairn.store;

import java.util.Locale;

/**
 * How a batch of files goes up: the part size of its large files and the requests in flight, chosen
 * from the files' sizes and the machine's cores. Requests in flight are at least the configured
 * number and grow with the cores (each request costs little CPU; more keep a fast link busy); parts
 * are at least the configured size and grow so that the batch's large bytes make about four parts
 * per request in flight, which keeps every connection busy until the end without paying a request
 * per few MiB, and so that no file needs more than S3's 10,000 parts.
 *
 * @param partSize bytes per part
 * @param concurrency requests (whole files or parts) in flight at once
 */
record PartPlan(long partSize, int concurrency) {
  static final long MIB = 1024 * 1024;

  /** S3's largest part; past it a part is refused. */
  static final long MAX_PART = 5L << 30;

  static final int MAX_PARTS = 10_000;

  /** Parts above this gain nothing on throughput and only make a retried part costlier. */
  static final long LARGEST_CHOSEN = 64 * MIB;

  static PartPlan of(long[] sizes, long threshold, long minPart, int minConcurrency, int cores) {
    int concurrency = Math.max(minConcurrency, Math.min(64, 8 * Math.max(1, cores)));
    long large = 0;
    long largest = 0;
    for (long size : sizes) {
      if (size > threshold) {
        large += size;
        largest = Math.max(largest, size);
      }
    }
    long part = Math.max(minPart, roundUpToMib(large / (4L * concurrency)));
    part = Math.min(part, Math.max(minPart, LARGEST_CHOSEN));
    // a file of 5 TiB needs parts of 525 MiB to fit in 10,000
    part = Math.max(part, roundUpToMib((largest + MAX_PARTS - 1) / MAX_PARTS));
    return new PartPlan(Math.min(part, MAX_PART), concurrency);
  }

  private static long roundUpToMib(long bytes) {
    return (bytes + MIB - 1) / MIB * MIB;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "parts of %d MiB, %d in flight", partSize / MIB, concurrency);
  }
}
