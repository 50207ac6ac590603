package dev.cairn.agent;

import dev.cairn.Faults;
import dev.cairn.Json;
import dev.cairn.metrics.Metrics;
import dev.cairn.model.RunStatus;
import dev.cairn.model.StoreKeys;
import dev.cairn.store.NotARegularFileException;
import dev.cairn.store.ObjectStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code runs/<commit>/status.json} for every run that changed since its last write; a run
 * whose write failed (the store is down) keeps its flag and is written on a later tick.
 */
final class StatusWriter {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
  private final Metrics metrics;
  private final Faults faults;
  private final ObjectStore store;
  private final RunBook book;
  private final Outage storeOutage;
  private final ShareStatuses statuses;

  StatusWriter(
      ObjectStore store,
      RunBook book,
      Outage storeOutage,
      Metrics metrics,
      Faults faults,
      ShareStatuses statuses) {
    this.statuses = statuses;
    this.metrics = metrics;
    this.faults = faults;
    this.store = store;
    this.book = book;
    this.storeOutage = storeOutage;
  }

  void flush() {
    for (Run run : book.all()) {
      if (!run.statusPending()) {
        continue;
      }
      RunShare share = run.share();
      if (share != null && share.left()) {
        // a run with no trial for this cluster: the clusters it names report it
        run.statusWritten();
        book.persist(run);
        continue;
      }
      metrics.progressed();
      try {
        faults.at("status-write");
        if (share != null) {
          statuses.write(run);
        } else {
          RunStatus status = RunStatus.of(run.snapshot(null));
          store.put(StoreKeys.statusKey(run.commit()), Json.MAPPER.writeValueAsBytes(status));
        }
        faults.at("status-written");
        run.statusWritten();
        book.persist(run);
        storeOutage.recovered(log);
      } catch (NotARegularFileException e) {
        // a link or special file planted at this run's key: that run's status alone is not written
        log.warn("run {}: status.json not written: {}", run.runId(), e.getMessage());
        run.statusWritten();
        book.persist(run);
      } catch (IOException e) {
        storeOutage.failed(log, e);
        return;
      }
    }
  }
}
