package dev.cairn.config;

import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import io.github.cdimascio.dotenv.internal.DotenvParser;
import io.github.cdimascio.dotenv.internal.DotenvReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a dotenv file's bytes into ordered key/value pairs. Each line is read strictly here (one
 * {@code KEY=value} per line, a quoted value closed on its line with nothing after the quote but a
 * comment), and the file must read the same with dotenv-java, so that no line is read one way by
 * the agent and another way by other dotenv tools, and no line is silently dropped.
 */
final class EnvFile {
  private static final Pattern LINE =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)[ \\t]*=[ \\t]*(.*)", Pattern.DOTALL);
  private static final Pattern QUOTED = Pattern.compile("([\"'])([^\"']*)\\1(?:[ \\t]+#.*)?");

  private EnvFile() {}

  /** The entries in file order; problems, each naming its line and key, go to {@code problems}. */
  static Map<String, String> parse(byte[] content, List<String> problems) {
    return parse(content, problems, new HashMap<>());
  }

  /** As {@link #parse(byte[], List)}, noting in {@code lineOf} the line each key is set on. */
  static Map<String, String> parse(
      byte[] content, List<String> problems, Map<String, Integer> lineOf) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      problems.add("the file is not UTF-8 text; save it as UTF-8");
      return Map.of();
    }
    List<String> lines = text.replace("\r\n", "\n").lines().toList();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int number = i + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        problems.add("line " + number + " starts with 'export'; write KEY=value without it");
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        problems.add(
            "line "
                + number
                + " "
                + ExperimentSchema.printable(line)
                + " is not KEY=value; write KEY=value or a # comment");
        continue;
      }
      String key = m.group(1);
      String value = value(key, m.group(2).strip(), number, problems);
      if (value == null) {
        continue;
      }
      if (lineOf.containsKey(key)) {
        problems.add(
            key
                + " is set twice (lines "
                + lineOf.get(key)
                + " and "
                + number
                + "); keep one line");
        continue;
      }
      lineOf.put(key, number);
      values.put(key, value);
    }
    if (!problems.isEmpty()) {
      return Map.of();
    }
    crossCheck(lines, values, lineOf, problems);
    return problems.isEmpty() ? values : Map.of();
  }

  /** The value of one line, or null (with a problem) when it cannot be read one way only. */
  private static @Nullable String value(String key, String raw, int line, List<String> problems) {
    if (raw.isEmpty()) {
      return "";
    }
    char first = raw.charAt(0);
    if (first != '"' && first != '\'') {
      return raw;
    }
    Matcher q = QUOTED.matcher(raw);
    if (q.matches()) {
      return q.group(2);
    }
    String where = "line " + line + ": " + key + "=" + ExperimentSchema.printable(raw);
    if (raw.indexOf(first, 1) < 0) {
      problems.add(
          where
              + " has no closing "
              + first
              + "; a value is one line (a newline cannot be quoted), close the quote there");
    } else {
      problems.add(
          where
              + " has text after its closing quote or a quote inside; "
              + "quote the whole value once, or write it without quotes");
    }
    return null;
  }

  /** dotenv-java must read the same keys and values, or the file means two things. */
  private static void crossCheck(
      List<String> lines,
      Map<String, String> values,
      Map<String, Integer> lineOf,
      List<String> problems) {
    DotenvReader reader =
        new DotenvReader(".", "config.env") {
          @Override
          public List<String> read() {
            return lines;
          }
        };
    Map<String, String> theirs = new LinkedHashMap<>();
    try {
      for (DotenvEntry entry : new DotenvParser(reader, false, true).parse()) {
        theirs.putIfAbsent(entry.getKey(), unquoteSingle(entry.getValue()));
      }
    } catch (DotenvException e) {
      problems.add(
          ExperimentSchema.printable(e.getMessage())
              + "; write KEY=value, one per line, or a # comment");
      return;
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String other = theirs.remove(e.getKey());
      if (!e.getValue().equals(other)) {
        problems.add(
            "line "
                + lineOf.get(e.getKey())
                + ": "
                + e.getKey()
                + " reads as "
                + ExperimentSchema.printable(e.getValue())
                + " here but as "
                + (other == null ? "nothing" : ExperimentSchema.printable(other))
                + " in dotenv; quote the value or remove the characters # \" ' from it");
      }
    }
    for (String extra : theirs.keySet()) {
      problems.add(
          extra + " is read by dotenv from a line that is not KEY=value; write one per line");
    }
  }

  private static String unquoteSingle(String value) {
    if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
