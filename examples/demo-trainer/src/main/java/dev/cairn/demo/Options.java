package dev.cairn.demo;

import java.nio.file.Path;
import java.util.Map;

/** The trainer's command line; arguments win over the CAIRN_* variables the batch script sets. */
record Options(
    String task,
    Path outputDir,
    Path checkpointDir,
    int epochs,
    long seed,
    double learningRate,
    int batchSize,
    int workers,
    int tiles,
    double minEpochSeconds,
    int failAtEpoch,
    String stage,
    String model,
    String split) {

  /** What one call does: train and then test ({@code all}), or one of the two stages. */
  static final java.util.List<String> STAGES = java.util.List.of("all", "train", "evaluate");

  /** Thrown for a bad option: printed as one line, exit code 2. */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  static Options parse(String[] args, Map<String, String> env) {
    Map<String, String> v = new java.util.HashMap<>();
    put(v, env, "task", "CAIRN_TASK");
    put(v, env, "epochs", "CAIRN_EPOCHS");
    put(v, env, "seed", "CAIRN_SEED");
    put(v, env, "learning-rate", "CAIRN_LEARNING_RATE");
    put(v, env, "batch-size", "CAIRN_BATCH_SIZE");
    put(v, env, "num-workers", "CAIRN_NUM_WORKERS");
    put(v, env, "output-dir", "CAIRN_OUTPUT_DIR");
    put(v, env, "checkpoint-dir", "CAIRN_CHECKPOINT_DIR");
    put(v, env, "stage", "CAIRN_STAGE");
    put(v, env, "model", "CAIRN_GEOFM");
    put(v, env, "split", "CAIRN_SPLIT");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageError("unexpected argument '" + a + "'; options start with --");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageError("--" + name + " needs a value");
      }
      if (!java.util.Set.of(
              "task",
              "epochs",
              "seed",
              "learning-rate",
              "batch-size",
              "num-workers",
              "output-dir",
              "checkpoint-dir",
              "tiles",
              "min-epoch-seconds",
              "fail-at-epoch",
              "stage",
              "model",
              "split")
          .contains(name)) {
        throw new UsageError("unknown option --" + name);
      }
      v.put(name, value);
    }
    String task = v.get("task");
    if (task == null || !Tasks.NAMES.contains(task)) {
      throw new UsageError(
          "--task '" + task + "' is not allowed; use one of " + String.join(", ", Tasks.NAMES));
    }
    String stage = v.getOrDefault("stage", "all");
    if (!STAGES.contains(stage)) {
      throw new UsageError(
          "--stage '" + stage + "' is not allowed; use one of " + String.join(", ", STAGES));
    }
    if (v.get("output-dir") == null) {
      throw new UsageError("--output-dir is required");
    }
    Path out = Path.of(v.get("output-dir"));
    Path ckpt =
        v.get("checkpoint-dir") == null
            ? out.resolve("checkpoints")
            : Path.of(v.get("checkpoint-dir"));
    return new Options(
        task,
        out,
        ckpt,
        (int) number(v, "epochs", "5", 1, 100_000),
        (long) number(v, "seed", "42", 0, Long.MAX_VALUE),
        decimal(v, "learning-rate", "0.005", 0, 10),
        (int) number(v, "batch-size", "16", 1, 100_000),
        (int) number(v, "num-workers", "2", 0, 256),
        (int) number(v, "tiles", "48", 4, 100_000),
        decimal(v, "min-epoch-seconds", "0", -1, 86_400),
        (int) number(v, "fail-at-epoch", "0", 0, 100_000),
        stage,
        v.getOrDefault("model", Portfolio.DEFAULT),
        split(v.getOrDefault("split", "")));
  }

  /** A split's name: letters, digits, '.', '_' and '-' (it names a folder); empty for none. */
  private static String split(String s) {
    if (s.isEmpty() || s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      return s;
    }
    throw new UsageError(
        "--split '"
            + s
            + "' is not allowed; use letters, digits, '.', '_' and '-' (a folder name)");
  }

  private static void put(Map<String, String> v, Map<String, String> env, String name, String var) {
    String value = env.get(var);
    if (value != null && !value.isBlank()) {
      v.put(name, value);
    }
  }

  private static long number(Map<String, String> v, String name, String def, long min, long max) {
    String s = v.getOrDefault(name, def);
    try {
      long n = Long.parseLong(s.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError(
        "--" + name + " '" + s + "' is not allowed; use a whole number from " + min + " to " + max);
  }

  private static double decimal(
      Map<String, String> v, String name, String def, double min, double max) {
    String s = v.getOrDefault(name, def);
    try {
      double d = Double.parseDouble(s.strip());
      if (d > min && d <= max) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError(
        "--"
            + name
            + " '"
            + s
            + "' is not allowed; use a number above "
            + min
            + " and at most "
            + max);
  }
}
