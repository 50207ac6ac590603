package dev.cairn.model;

/** How one attempt of a job ended, as the run's history and {@code status.json} record it. */
public record Attempt(
    int attempt,
    String schedulerId,
    JobState state,
    String reason,
    Integer exitCode,
    Long elapsedS) {}
