package dev.cairn.testing;

import dev.cairn.scheduler.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CommandRunner} for unit tests of the schedulers: answers commands in order with recorded
 * outputs of the real {@code sbatch}, {@code squeue}, {@code bjobs}... and remembers how each was
 * called. An unexpected command fails the test.
 */
public final class ScriptedRunner implements CommandRunner {
  public final List<List<String>> calls = new ArrayList<>();
  public final List<String> stdins = new ArrayList<>();
  public final List<Map<String, String>> environments = new ArrayList<>();
  public final List<Boolean> cleanEnvironments = new ArrayList<>();
  private final Deque<Object> answers = new ArrayDeque<>();
  private final Map<List<String>, String> standing = new LinkedHashMap<>();

  /** The commands answered by {@link #answerAlways}, apart from {@link #calls}. */
  public final List<List<String>> standingCalls = new ArrayList<>();

  public void answer(int exit, String stdout, String stderr) {
    answers.add(new Object[] {exit, stdout, stderr});
  }

  public void answer(int exit, List<String> stdoutLines, String stderr) {
    answer(exit, String.join("\n", stdoutLines) + "\n", stderr);
  }

  /**
   * Answers every command that begins with {@code prefix} with {@code stdout} (exit 0), apart from
   * the script and without recording it in {@link #calls}: for what the agent asks at its own pace
   * (its announcement's {@code sinfo}), which a loop test does not script.
   */
  public void answerAlways(List<String> prefix, String stdout) {
    standing.put(List.copyOf(prefix), stdout);
  }

  /** The next command fails to run at all (the binary is missing, the controller unreachable). */
  public void failWith(IOException e) {
    answers.add(e);
  }

  @Override
  public Result run(Call call) throws IOException {
    for (Map.Entry<List<String>, String> s : standing.entrySet()) {
      List<String> command = call.command();
      if (command.size() >= s.getKey().size()
          && command.subList(0, s.getKey().size()).equals(s.getKey())) {
        standingCalls.add(command);
        return new Result(command, 0, s.getValue(), "");
      }
    }
    calls.add(call.command());
    stdins.add(call.stdin());
    environments.add(call.environment());
    cleanEnvironments.add(call.cleanEnvironment());
    Object a = answers.poll();
    if (a == null) {
      throw new AssertionError("unexpected command " + call.command());
    }
    if (a instanceof IOException e) {
      throw e;
    }
    Object[] r = (Object[]) a;
    return new Result(call.command(), (Integer) r[0], (String) r[1], (String) r[2]);
  }

  /** A recorded output from the test resources, e.g. {@code recorded("slurm", "squeue.txt")}. */
  public static String recorded(String folder, String name) {
    try (InputStream in = ScriptedRunner.class.getResourceAsStream("/" + folder + "/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no recorded output " + folder + "/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
