package dev.cairn.trigger;

import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.RunRequest;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns the seed-style single {@code config.env} key (copied by a plain {@code aws s3 cp}, as
 * simple pipelines do) into a run request: the content must be {@code config/config.env} at the
 * head of an allowed branch, and the request is for that head commit.
 */
public final class SeedResolver {
  private final RepoMirror mirror;
  private final List<String> branches;
  private final Clock clock;

  public SeedResolver(RepoMirror mirror, List<String> branches, Clock clock) {
    this.mirror = mirror;
    this.branches = List.copyOf(branches);
    this.clock = clock;
  }

  /** The request for the branch head whose config this is, or empty when none matches. */
  public Optional<RunRequest> resolve(byte[] config) {
    mirror.fetch();
    for (String branch : branches) {
      Optional<String> head = mirror.branchHead(branch);
      if (head.isEmpty()) {
        continue;
      }
      Optional<byte[]> committed = mirror.readFile(head.get(), ProvenanceCheck.CONFIG_PATH);
      if (committed.isPresent() && Arrays.equals(committed.get(), config)) {
        Optional<RepoMirror.CommitInfo> info = mirror.commitInfo(head.get());
        return Optional.of(
            new RunRequest(
                head.get(),
                branch,
                "seed",
                info.map(RepoMirror.CommitInfo::authorName).orElse(null),
                info.map(RepoMirror.CommitInfo::subject).orElse(null),
                clock.instant().toString(),
                ExperimentConfig.sha256(config),
                1,
                null));
      }
    }
    return Optional.empty();
  }
}
