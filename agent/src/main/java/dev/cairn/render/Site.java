package dev.cairn.render;

import dev.cairn.terratorch.TerratorchMetrics;

/**
 * What the cluster adds to every script: a prologue the site needs ({@code module load ...},
 * activating a virtual environment), where the demo trainer and the TerraTorch configs are, and
 * which TerraTorch version the site runs (its metric names differ). Trusted text from the agent's
 * settings, not from the committed config.
 */
public record Site(
    String prologue,
    String trainerJar,
    String terratorchConfigDir,
    String agentVersion,
    String terratorchVersion) {
  /** A site running the default TerraTorch version. */
  public Site(String prologue, String trainerJar, String terratorchConfigDir, String agentVersion) {
    this(
        prologue, trainerJar, terratorchConfigDir, agentVersion, TerratorchMetrics.DEFAULT_VERSION);
  }
}
