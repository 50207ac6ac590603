package dev.cairn.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of a run's output ({@code err}, {@code out}, {@code predictions}, {@code checkpoints})
 * as a cluster's share records it: its path inside the output, its MD5 (the key of its object in
 * the DVC remote) and its size. Read from the store, so checked on construction.
 */
public record OutputEntry(String relpath, String md5, long size) {
  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.=+,@-]{1,255}");

  public OutputEntry {
    Objects.requireNonNull(relpath, "an output entry without its path");
    Objects.requireNonNull(md5, "an output entry without its md5");
    if (!MD5.matcher(md5).matches()) {
      throw new IllegalArgumentException("not an MD5: " + md5);
    }
    if (size < 0) {
      throw new IllegalArgumentException("a negative size: " + size);
    }
    if (relpath.length() > 4096) {
      throw new IllegalArgumentException("a path of " + relpath.length() + " characters");
    }
    for (String segment : relpath.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a plain relative path: " + relpath);
      }
    }
  }

  /** Whether the file belongs to {@code trial}: {@code <trial>.err}, {@code <trial>/...}. */
  public boolean ofTrial(String trial) {
    return relpath.startsWith(trial + "/")
        || relpath.startsWith(trial + ".")
        || relpath.startsWith(trial + "-");
  }
}
