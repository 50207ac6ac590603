package dev.cairn.model;

import org.jspecify.annotations.Nullable;

/**
 * What the provenance check proved through Git about a request's commit: the only facts about a
 * request that reach a results commit. Read from the commit object in the agent's clone, never from
 * request.json.
 *
 * @param branch the allowed branch the commit was found on
 * @param subject the commit's subject line as Git stores it (committer text: escape where it lands)
 * @param committedAt the committer time, ISO-8601 UTC (a string: run records are plain JSON)
 */
public record VerifiedCommit(
    String commit,
    String branch,
    @Nullable String subject,
    @Nullable String authorName,
    @Nullable String authorEmail,
    String committedAt) {}
