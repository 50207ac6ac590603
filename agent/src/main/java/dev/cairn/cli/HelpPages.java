package dev.cairn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * What every {@code --help} page shares: an example, and descriptions that picocli wraps as whole
 * paragraphs (the annotations split long sentences over several strings for the source's width).
 */
final class HelpPages {
  /** One example per command, keyed by the command's name after {@code agent.jar}. */
  static final Map<String, String> EXAMPLES = examples();

  private HelpPages() {}

  private static Map<String, String> examples() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("", "java -jar agent.jar demo");
    m.put("run", "java -jar agent.jar run --settings ~/.config/cairn/agent.env");
    m.put("demo", "java -jar agent.jar demo --config sweep.env");
    m.put("render", "java -jar agent.jar render --config config/config.env --scheduler lsf");
    m.put("preflight", "java -jar agent.jar preflight --config config/config.env");
    m.put("status", "java -jar agent.jar status 74e2f8e9 --settings agent.env");
    m.put("pull", "java -jar agent.jar pull --rev 5d1c09ab results/");
    m.put("reproduce", "java -jar agent.jar reproduce 5d1c09ab --settings agent.env");
    m.put("rerun-stage", "java -jar agent.jar rerun-stage 5d1c09ab --trial landslide");
    m.put("cancel", "java -jar agent.jar cancel 74e2f8e9 --reason 'wrong dataset'");
    m.put("runs", "java -jar agent.jar runs --repo https://gitlab.example.org/geo/experiments.git");
    m.put("compare", "java -jar agent.jar compare 74e2f8e9 0badc0de");
    m.put("logs", "java -jar agent.jar logs 74e2f8e9 landslide --settings agent.env");
    m.put("bench", "java -jar agent.jar bench hash --mib 256");
    m.put("bench idle", "java -jar agent.jar bench idle --minutes 60");
    m.put(
        "bench upload",
        "java -jar agent.jar bench upload --store 's3://bench/p?endpoint=http://127.0.0.1:9000'");
    m.put(
        "bench pull",
        "java -jar agent.jar bench pull --store 's3://bench/p?endpoint=http://127.0.0.1:9000'");
    m.put("bench latency", "java -jar agent.jar bench latency");
    m.put("bench hash", "java -jar agent.jar bench hash --files 64 --mib 1024");
    m.put("bench slurm-rpc", "java -jar agent.jar bench slurm-rpc --jobs 1,10");
    m.put("bench scale", "java -jar agent.jar bench scale --runs 10 --trials 100");
    m.put("ci", "java -jar agent.jar ci submit");
    m.put("ci submit", "java -jar agent.jar ci submit --config config/config.env");
    m.put("ci await", "java -jar agent.jar ci await --timeout 6h");
    m.put("version", "java -jar agent.jar version");
    m.put("help", "java -jar agent.jar help render");
    return m;
  }

  /**
   * The name of a command after {@code agent.jar}: {@code ""}, {@code render}, {@code ci await}.
   */
  static String nameOf(CommandLine command) {
    String qualified = command.getCommandSpec().qualifiedName(" ");
    return qualified.equals("agent.jar") ? "" : qualified.substring("agent.jar ".length());
  }

  /** Gives {@code root} and each of its subcommands its example and paragraph descriptions. */
  static void apply(CommandLine root) {
    UsageMessageSpec usage = root.getCommandSpec().usageMessage();
    String[] description = usage.description();
    if (description.length > 1) {
      usage.description(String.join(" ", description));
    }
    String example = EXAMPLES.get(nameOf(root));
    if (example != null) {
      usage.footerHeading("%nExample:%n");
      usage.footer("  " + example.replace("%", "%%"));
    }
    for (CommandLine sub : root.getSubcommands().values()) {
      apply(sub);
    }
  }
}
