package dev.cairn.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config the demo commits: any config.env with {@code SCHEDULER=local} and {@code TRAINER=demo}
 * forced, so that the demo never reaches a real scheduler or needs a dataset.
 *
 * @param content the config to commit
 * @param overridden what the file said of each key it changed ({@code SCHEDULER=slurm}), in order
 */
public record DemoConfig(byte[] content, List<String> overridden) {
  /** The keys the demo sets, with the value it gives each. */
  public static final Map<String, String> FORCED = forced();

  private static final Pattern ASSIGNMENT =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*=(.*)");

  private static Map<String, String> forced() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("SCHEDULER", "local");
    m.put("TRAINER", "demo");
    return m;
  }

  /**
   * Rewrites the lines that set a forced key, and appends the forced keys the file leaves unset
   * (their defaults, {@code slurm} and {@code terratorch}, are not the demo's). Every other line
   * stays as written.
   */
  public static DemoConfig of(byte[] config) {
    String text = new String(config, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(text.replace("\r\n", "\n").lines().toList());
    Map<String, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = ASSIGNMENT.matcher(lines.get(i));
      if (m.matches() && FORCED.containsKey(m.group(1))) {
        String key = m.group(1);
        seen.put(key, unquoted(m.group(2).strip()));
        lines.set(i, key + "=" + FORCED.get(key));
      }
    }
    List<String> overridden = new ArrayList<>();
    for (Map.Entry<String, String> f : FORCED.entrySet()) {
      String was = seen.get(f.getKey());
      if (was == null) {
        lines.add(f.getKey() + "=" + f.getValue());
        overridden.add(f.getKey() + " (unset: its default is not " + f.getValue() + ")");
      } else if (!was.equals(f.getValue())) {
        overridden.add(f.getKey() + "=" + was);
      }
    }
    byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return new DemoConfig(content, List.copyOf(overridden));
  }

  private static String unquoted(String value) {
    if (value.length() >= 2
        && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0)) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** The one line the demo prints about what it runs on, naming any key it overrode. */
  public String line() {
    String runs = "demo: runs on this machine with SCHEDULER=local and TRAINER=demo";
    return overridden.isEmpty()
        ? runs + " (the config sets both)"
        : runs + "; overrode " + String.join(", ", overridden) + " of the config";
  }
}
