package dev.cairn.agent;

import org.slf4j.Logger;

/** Logs one line when a dependency starts failing and one when it is back, not one per retry. */
final class Outage {
  private final String what;
  private boolean down;
  private long failures;

  Outage(String what) {
    this.what = what;
  }

  void failed(Logger log, Exception e) {
    failures++;
    if (!down) {
      down = true;
      log.warn("{} unavailable: {}; runs are kept, retrying every tick", what, e.getMessage());
    } else {
      log.debug("{} still unavailable: {}", what, e.getMessage());
    }
  }

  void recovered(Logger log) {
    if (down) {
      down = false;
      log.info("{} is back after {} failed attempt(s)", what, failures);
      failures = 0;
    }
  }
}
