package dev.cairn.config;

/**
 * One fine-tuning task as its template declares it: the config keys that belong to it and the
 * quality gate it gets when the config names none.
 *
 * @param name e.g. {@code crop_classification}
 * @param datasetKey the config key holding the dataset path, e.g. {@code CROP_DATASET_PATH}
 * @param gateKey the config key holding the quality gate, e.g. {@code CROP_QUALITY_GATE}
 * @param defaultGate e.g. {@code test/mIoU>=0.30}
 * @param summary one line for help texts and the summary table
 * @param metrics the kind of TerraTorch task whose metric names its gate uses ({@code
 *     segmentation}, {@code regression}); empty when the template declares none, and then any
 *     metric is accepted
 */
public record TaskDefinition(
    String name,
    String datasetKey,
    String gateKey,
    String defaultGate,
    String summary,
    String metrics) {
  public TaskDefinition(
      String name, String datasetKey, String gateKey, String defaultGate, String summary) {
    this(name, datasetKey, gateKey, defaultGate, summary, "");
  }
}
