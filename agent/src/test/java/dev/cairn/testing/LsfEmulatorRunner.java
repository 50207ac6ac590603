package dev.cairn.testing;

import dev.cairn.scheduler.CommandRunner;
import dev.cairn.scheduler.ExecCommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real runner with the LSF emulator's variables added ({@code LSF_EMULATOR_STATE} and the
 * like); counts the commands it runs, and the bjobs calls of the current tick.
 */
public final class LsfEmulatorRunner implements CommandRunner {
  public final AtomicInteger bjobsThisTick = new AtomicInteger();
  public final AtomicInteger maxBjobsPerTick = new AtomicInteger();
  public final Map<String, String> extra;
  private final List<List<String>> all = new CopyOnWriteArrayList<>();
  private final ExecCommandRunner real = new ExecCommandRunner();

  public LsfEmulatorRunner(Map<String, String> extra) {
    this.extra = extra;
  }

  /** Every command run whose program is {@code tool} ({@code bjobs}, {@code bsub}...). */
  public List<List<String>> calls(String tool) {
    return all.stream()
        .filter(c -> Path.of(c.get(0)).getFileName().toString().equals(tool))
        .toList();
  }

  @Override
  public Result run(Call call) throws IOException, InterruptedException {
    all.add(call.command());
    if (Path.of(call.command().get(0)).getFileName().toString().equals("bjobs")) {
      bjobsThisTick.incrementAndGet();
    }
    Map<String, String> env = new HashMap<>(call.environment());
    if (!call.cleanEnvironment()) {
      env.putAll(System.getenv());
    }
    env.putAll(extra);
    return real.run(call.command(), call.stdin(), env, true, call.timeout());
  }
}
