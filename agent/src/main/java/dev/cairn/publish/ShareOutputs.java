package dev.cairn.publish;

import dev.cairn.model.OutputEntry;
import java.util.List;
import java.util.Map;

/**
 * What one cluster's share of a run versioned: every file of each output, uploaded to the DVC
 * remote, and the scripts and TerraTorch configs its trials ran, by their path in the results
 * folder. Its share's end record carries both to the agent that publishes the run.
 */
public record ShareOutputs(Map<String, List<OutputEntry>> outputs, Map<String, String> files) {
  public static final ShareOutputs NONE = new ShareOutputs(Map.of(), Map.of());

  public ShareOutputs {
    outputs = Map.copyOf(outputs);
    files = Map.copyOf(files);
  }
}
