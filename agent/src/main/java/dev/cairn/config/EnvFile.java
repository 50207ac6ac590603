package dev.cairn.config;

import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import io.github.cdimascio.dotenv.internal.DotenvParser;
import io.github.cdimascio.dotenv.internal.DotenvReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a dotenv file's bytes into ordered key/value pairs with dotenv-java, adding what its parser
 * leaves to the caller: duplicate keys, stray lines and shell-style single quotes.
 */
final class EnvFile {
  private EnvFile() {}

  /** The entries in file order; problems go to {@code problems}. */
  static Map<String, String> parse(byte[] content, List<String> problems) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      problems.add("the file is not UTF-8 text; save it as UTF-8");
      return Map.of();
    }
    List<String> lines = text.replace("\r\n", "\n").lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("export ")) {
        problems.add("line " + (i + 1) + " starts with 'export'; write KEY=value without it");
      }
    }
    if (!problems.isEmpty()) {
      return Map.of();
    }
    DotenvReader reader =
        new DotenvReader(".", "config.env") {
          @Override
          public List<String> read() {
            return lines;
          }
        };
    List<DotenvEntry> entries;
    try {
      entries = new DotenvParser(reader, false, true).parse();
    } catch (DotenvException e) {
      // dotenv-java says "Malformed entry <line>": point at the line
      String entry = e.getMessage().replaceFirst("^Malformed entry ", "");
      int at = lines.indexOf(entry);
      problems.add(
          (at >= 0 ? "line " + (at + 1) + " '" + entry + "'" : e.getMessage())
              + " is not KEY=value; write KEY=value or a # comment");
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (DotenvEntry entry : entries) {
      String key = entry.getKey();
      if (values.containsKey(key)) {
        problems.add(key + " is set twice; keep one line");
        continue;
      }
      values.put(key, unquoteSingle(entry.getValue()));
    }
    return values;
  }

  private static String unquoteSingle(String value) {
    if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
