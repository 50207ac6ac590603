package dev.cairn.scheduler.lsf;

import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** What LSF's answers mean when a command fails: cluster unreachable, no such job, old bjobs. */
final class LsfAnswers {
  static final List<String> UNREACHABLE =
      List.of(
          "cannot connect to lsf",
          "lsf is down",
          "batch system daemon not responding",
          "failed in an lsf library call",
          "please wait");
  static final List<String> NO_MATCH =
      List.of("is not found", "no matching job found", "no job found", "no unfinished job found");

  private LsfAnswers() {}

  static boolean jsonUnsupported(CommandRunner.Result result) {
    String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
    return !result.ok()
        && (text.contains("usage")
            || text.contains("illegal option")
            || text.contains("invalid option"))
        && !matchesAny(text, UNREACHABLE);
  }

  /** The command found no job at all ("No matching job found" and the like). */
  static boolean noMatch(CommandRunner.Result result) {
    String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
    return matchesAny(text, NO_MATCH) && !matchesAny(text, UNREACHABLE);
  }

  static boolean unreachable(CommandRunner.Result result) {
    String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
    return matchesAny(text, UNREACHABLE) || result.exitCode() == 124;
  }

  static boolean commandMissing(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("error=2,") || m.contains("No such file or directory");
  }

  static boolean matchesAny(String text, List<String> needles) {
    return needles.stream().anyMatch(text::contains);
  }

  /** The command line, exit code and first line of stderr, or of stdout where stderr is empty. */
  static String describe(CommandRunner.Result result) {
    if (!result.stderr().isBlank()) {
      return result.describe();
    }
    String out = result.stdout().strip();
    return result.describe() + (out.isEmpty() ? "" : ": " + LsfOutput.firstLine(out));
  }
}
