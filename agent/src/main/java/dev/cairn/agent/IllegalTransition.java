package dev.cairn.agent;

/**
 * A transition a run or a job cannot make from where it stands (a job that ended cannot start, a
 * run that ended cannot be cancelled): a bug in the loop, never bad input.
 */
public final class IllegalTransition extends IllegalStateException {
  private final String from;
  private final String to;

  IllegalTransition(String what, Enum<?> from, String to, String why) {
    super(what + " cannot go from " + from + " to " + to + ": " + why);
    this.from = from.name();
    this.to = to;
  }

  /** The state the value was in. */
  public String from() {
    return from;
  }

  /** The transition it was asked for. */
  public String to() {
    return to;
  }
}
