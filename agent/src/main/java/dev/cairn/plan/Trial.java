package dev.cairn.plan;

import dev.cairn.config.TaskDefinition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One point of a run: a task with one value of every sweepable key and the resources it gets.
 *
 * @param id stable: the same task and values give the same id in any run ({@link Trials#id})
 * @param values every sweepable key ({@code GEOFM}, {@code LEARNING_RATE}, ...) with its value
 * @param cluster the cluster whose agent runs it ({@code CLUSTER} and its overrides); empty where
 *     the config routes nothing, so the run goes whole to whichever agent claims it
 */
public record Trial(
    String id,
    TaskDefinition task,
    Map<String, String> values,
    Resources resources,
    String cluster) {

  public Trial {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public @Nullable String model() {
    return values.get("GEOFM");
  }
}
