package dev.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.publish.RunPublisher;
import dev.cairn.scheduler.FakeSchedulers;
import dev.cairn.store.FileObjectStore;
import dev.cairn.testing.FakeScheduler;
import dev.cairn.testing.TestAgents;
import dev.cairn.trigger.RequestCheck;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent without a repository is built from parts that do nothing, never from nulls. */
class AgentPartsTest {
  @TempDir Path tmp;

  private AgentParts parts() throws Exception {
    FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
    return AgentParts.of(
        TestAgents.settings(tmp, store, Map.of()),
        store,
        FakeSchedulers.of(new FakeScheduler("slurm", 0)),
        null,
        Clock.systemUTC());
  }

  @Test
  void withoutARepository_everyOptionalPartIsOneThatDoesNothing() throws Exception {
    AgentParts parts = parts();
    assertSame(RequestCheck.ACCEPT_ALL, parts.check());
    assertSame(RunPublisher.NONE, parts.publisher());
    assertTrue(parts.seeds().isEmpty());
    assertTrue(parts.commitRenderers().isEmpty());
    assertSame(RunObserver.NONE, parts.observer());
  }

  @Test
  void aCallerThatStillPassesNull_getsTheSameParts() throws Exception {
    AgentParts parts = parts().withGit(null, null, null).withCommitRenderers(null);
    assertTrue(parts.commitRenderers().isEmpty());
    assertSame(RequestCheck.ACCEPT_ALL, parts.check());
    assertSame(RunPublisher.NONE, parts.publisher());
    assertTrue(parts.seeds().isEmpty());
  }

  @Test
  void theNullObjects_acceptEveryRequestAndPublishNothing() throws Exception {
    RequestCheck.Verdict verdict = RequestCheck.ACCEPT_ALL.check(null, new byte[0]);
    assertFalse(verdict.rejected());
    assertNull(verdict.commit(), "it proves nothing of the commit");
    assertFalse(RunPublisher.NONE.publishes());
    assertThrows(UnsupportedOperationException.class, () -> RunPublisher.NONE.publish(null));
  }
}
