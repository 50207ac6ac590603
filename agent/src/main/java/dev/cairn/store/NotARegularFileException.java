package dev.cairn.store;

import java.io.IOException;

/**
 * An object of a folder store that is not a plain file: a symbolic link (on the key's path or the
 * key itself), a FIFO, a device or a folder. Not an outage: the same key gives the same answer, so
 * callers reject that one object and go on.
 */
public final class NotARegularFileException extends IOException {
  public NotARegularFileException(String key, String what) {
    super(key + " is " + what + ", not a regular file; the store holds only regular files");
  }
}
