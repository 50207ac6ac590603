package dev.cairn.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;

/** Schedulers that hold only the given implementations: the loop's unit tests plug fakes in. */
public final class FakeSchedulers {
  private FakeSchedulers() {}

  public static Schedulers of(Scheduler... schedulers) {
    Map<String, Scheduler> byName = new LinkedHashMap<>();
    for (Scheduler s : schedulers) {
      byName.put(s.name(), s);
    }
    return new Schedulers(byName);
  }
}
