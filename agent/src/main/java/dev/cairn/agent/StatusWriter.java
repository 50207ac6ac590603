package dev.cairn.agent;

import dev.cairn.Json;
import dev.cairn.publish.RunStatus;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.RunRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code runs/<commit>/status.json} for every run that changed since its last write; a run
 * whose write failed (the store is down) keeps its flag and is written on a later tick.
 */
final class StatusWriter {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
  private final ObjectStore store;
  private final RunBook book;
  private final Outage storeOutage;

  StatusWriter(ObjectStore store, RunBook book, Outage storeOutage) {
    this.store = store;
    this.book = book;
    this.storeOutage = storeOutage;
  }

  void flush() {
    for (Run run : book.all()) {
      if (!run.statusPending) {
        continue;
      }
      try {
        RunStatus status = RunStatus.of(run.snapshot(null));
        store.put(RunRequest.statusKey(run.commit()), Json.MAPPER.writeValueAsBytes(status));
        run.statusPending = false;
        book.persist(run);
        storeOutage.recovered(log);
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
    }
  }
}
