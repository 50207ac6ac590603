package dev.cairn.agent;

import dev.cairn.plan.RunPlan;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * This agent's part in a run whose config routes trials to clusters ({@code CLUSTER}): the cluster
 * it runs, every cluster the run names, and how far its share has gone. Stored with the run; absent
 * for a run that routes nothing.
 *
 * @param cluster the cluster this agent runs the share of
 * @param clusters every cluster with trials in the run, sorted
 * @param left the run has no trial for this cluster: it is left to the others, silently
 * @param ended this share's end is on record in the store ({@code clusters/<name>/end.json})
 * @param merged the other clusters' trials were merged into the run, which then published
 */
record RunShare(
    String cluster, List<String> clusters, boolean left, boolean ended, boolean merged) {

  RunShare {
    Objects.requireNonNull(cluster, "a share without its cluster");
    clusters = clusters == null ? List.of() : List.copyOf(clusters);
  }

  /** The share of {@code cluster} in a planned run. */
  static RunShare of(String cluster, RunPlan plan) {
    TreeSet<String> all = new TreeSet<>();
    plan.jobs().forEach(j -> all.add(j.trial().cluster()));
    return new RunShare(cluster, List.copyOf(all), false, false, false);
  }

  /** A run with no trial for {@code cluster}. */
  static RunShare none(String cluster) {
    return new RunShare(cluster, List.of(), true, false, false);
  }

  RunShare withEnded() {
    return new RunShare(cluster, clusters, left, true, merged);
  }

  RunShare withMerged() {
    return new RunShare(cluster, clusters, left, ended, true);
  }

  /** The clusters other than this agent's. */
  List<String> others() {
    return clusters.stream().filter(c -> !c.equals(cluster)).toList();
  }
}
