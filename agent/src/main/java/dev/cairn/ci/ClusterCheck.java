package dev.cairn.ci;

import dev.cairn.CairnException;
import dev.cairn.config.ExperimentConfig;
import dev.cairn.model.Announcement;
import dev.cairn.plan.Trial;
import dev.cairn.plan.Trials;
import dev.cairn.store.ObjectStore;
import dev.cairn.trigger.Announcements;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ci submit}'s check of a config that routes trials to clusters ({@code CLUSTER} and its
 * overrides): every cluster a trial goes to must have an agent that announced itself in the bucket,
 * or the run would wait for a cluster nobody serves. A config that routes nothing is not checked.
 */
final class ClusterCheck {
  private ClusterCheck() {}

  /**
   * Throws, in one line naming the key, the value and the fix, and listing the known clusters, when
   * a trial is routed to a cluster no agent has announced.
   */
  static void check(ExperimentConfig config, ObjectStore store) throws IOException {
    if (!config.routesClusters()) {
      return;
    }
    Map<String, Map<String, Integer>> routes = routes(config);
    Map<String, Announcement> known = Announcements.latestByCluster(store);
    List<String> unknown = new ArrayList<>(routes.keySet());
    unknown.removeAll(known.keySet());
    // a cluster a key names first: the default one is only where the others' trials fall
    unknown.sort(
        Comparator.comparing(
            (String c) ->
                routes.getOrDefault(c, Map.of()).keySet().stream().allMatch(String::isEmpty)));
    if (unknown.isEmpty()) {
      return;
    }
    String cluster = unknown.get(0);
    Map<String, Integer> routed = routes.getOrDefault(cluster, Map.of());
    StringBuilder line = new StringBuilder();
    List<String> keys = new ArrayList<>();
    int trials = 0;
    for (Map.Entry<String, Integer> route : routed.entrySet()) {
      if (!route.getKey().isEmpty()) {
        keys.add(route.getKey() + "=" + cluster);
      }
      trials += route.getValue();
    }
    if (keys.isEmpty()) {
      line.append("CLUSTER is unset for ")
          .append(trials)
          .append(" trial(s), so they go to cluster ")
          .append(cluster);
    } else {
      line.append(String.join(" and ", keys))
          .append(keys.size() == 1 ? " routes " : " route ")
          .append(trials)
          .append(" trial(s) to cluster ")
          .append(cluster);
    }
    line.append(", but no agent has announced it in the bucket; known clusters: ")
        .append(describe(known))
        .append(". Start an agent with CAIRN_CLUSTER=")
        .append(cluster)
        .append(
            keys.isEmpty()
                ? " or set CLUSTER"
                : keys.size() == 1 ? " or fix the key" : " or fix the keys");
    if (unknown.size() > 1) {
      line.append(" (no agent has announced ")
          .append(String.join(", ", unknown.subList(1, unknown.size())))
          .append(" either)");
    }
    throw new CairnException(line.append('.').toString());
  }

  /** Per cluster, the key that routes trials there ("" for none) and how many it routes. */
  static Map<String, Map<String, Integer>> routes(ExperimentConfig config) {
    Map<String, Map<String, Integer>> routes = new LinkedHashMap<>();
    for (Trial t : Trials.of(config)) {
      String key = config.resourceKey("CLUSTER", t.task(), t.values().get("GEOFM"));
      routes.computeIfAbsent(t.cluster(), c -> new LinkedHashMap<>()).merge(key, 1, Integer::sum);
    }
    return routes;
  }

  /** {@code default (slurm, last seen 2026-12-07T12:00:00Z), lsf (...)}, or {@code none}. */
  static String describe(Map<String, Announcement> known) {
    if (known.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    known.forEach(
        (name, a) ->
            parts.add(
                name
                    + " ("
                    + (a.scheduler() == null ? "scheduler unknown" : a.scheduler())
                    + ", last seen "
                    + a.lastSeen()
                    + ")"));
    return String.join(", ", parts);
  }
}
