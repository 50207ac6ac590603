package dev.cairn.render;

/**
 * What the cluster adds to every script: a prologue the site needs ({@code module load ...},
 * activating a virtual environment), where the demo trainer and the TerraTorch configs are. Trusted
 * text from the agent's settings, not from the committed config.
 */
public record Site(
    String prologue, String trainerJar, String terratorchConfigDir, String agentVersion) {}
