package dev.cairn;

import java.util.Map;

/**
 * Named steps where a crash test may stop the agent ({@code CAIRN_TEST_CRASH_AT}): each part that
 * reaches such a step marks it. {@link #NONE} marks nothing; the commands build the switch the
 * environment asks for once, with {@link #fromEnvironment}, and hand it to the parts.
 */
public interface Faults {
  /** Marks nothing: what every part uses unless a command hands it the test's switch. */
  Faults NONE =
      new Faults() {
        @Override
        public void at(String step) {}

        @Override
        public void stopAsked() {}
      };

  /** Marks the named step; a crash test may stop the process here. */
  void at(String step);

  /** Told once the loop has been asked to stop (a SIGTERM test goes on only after this). */
  void stopAsked();

  /**
   * The switch {@code CAIRN_TEST_CRASH_AT=<step>[:<n>]} and {@code CAIRN_TEST_CRASH_SIGNAL} (TERM,
   * STOP; else a halt as by kill -9) ask for in {@code env}; {@link #NONE} where none is set.
   */
  static Faults fromEnvironment(Map<String, String> env) {
    String at = env.get("CAIRN_TEST_CRASH_AT");
    if (at == null || at.isBlank()) {
      return NONE;
    }
    return CrashFaults.parse(at, env.get("CAIRN_TEST_CRASH_SIGNAL"));
  }
}
