package dev.cairn.model;

/** What a rung decided for a trial: it trains on to the next rung, or it is stopped there. */
public enum Verdict {
  CONTINUE,
  STOP
}
