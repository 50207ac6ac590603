package dev.cairn.model;

/** The states of a run, as {@code status.json} reports them to CI. */
public enum RunState {
  RECEIVED(false),
  /** Bad config or provenance: nothing was submitted. */
  REJECTED(true),
  SUBMITTED(false),
  RUNNING(false),
  COLLECTING(false),
  PUBLISHING(false),
  SUCCEEDED(true),
  /** A job failed or missed its quality gate; results are still published where any exist. */
  FAILED(true),
  /** Superseded by a newer commit or cancelled on request. */
  CANCELLED(true);

  private final boolean terminal;

  RunState(boolean terminal) {
    this.terminal = terminal;
  }

  public boolean isTerminal() {
    return terminal;
  }
}
