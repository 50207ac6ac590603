package dev.cairn.model;

import org.jspecify.annotations.Nullable;

/** How one attempt of a job ended, as the run's history and {@code status.json} record it. */
public record Attempt(
    int attempt,
    @Nullable String schedulerId,
    JobState state,
    @Nullable String reason,
    @Nullable Integer exitCode,
    @Nullable Long elapsedS) {}
