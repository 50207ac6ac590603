package dev.cairn.dvc;

import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads {@code .dvc} files in DVC 3's form. The reader takes the subset DVC writes for
 * added outputs and skips keys it does not need ({@code desc}, {@code type}, {@code meta}, ...).
 */
public final class DvcFile {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./+-]*");

  private DvcFile() {}

  /** The text of a {@code .dvc} file with one output. */
  public static String render(DvcOutput out) {
    StringBuilder text = new StringBuilder("outs:\n");
    text.append("- md5: ").append(out.md5()).append('\n');
    if (out.size() != null) {
      text.append("  size: ").append(out.size()).append('\n');
    }
    if (out.nfiles() != null) {
      text.append("  nfiles: ").append(out.nfiles()).append('\n');
    }
    text.append("  hash: md5\n");
    text.append("  path: ").append(scalar(out.path())).append('\n');
    return text.toString();
  }

  /** Writes the {@code .dvc} file, creating its folder. */
  public static void write(Path dvcFile, DvcOutput out) throws IOException {
    Path parent = dvcFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(dvcFile, render(out), StandardCharsets.UTF_8);
  }

  /** The outputs of a {@code .dvc} file. */
  public static List<DvcOutput> read(Path dvcFile) throws IOException {
    return parse(Files.readString(dvcFile, StandardCharsets.UTF_8), dvcFile.toString());
  }

  /** Parses {@code .dvc} text; {@code source} names it in errors. */
  public static List<DvcOutput> parse(String text, String source) {
    List<Map<String, String>> items = new ArrayList<>();
    boolean inOuts = false;
    Map<String, String> item = null;
    int keyIndent = -1;
    int lineNo = 0;
    for (String raw : text.split("\r?\n", -1)) {
      lineNo++;
      String line = stripComment(raw);
      if (line.isBlank()) {
        continue;
      }
      int indent = indentOf(line);
      String body = line.substring(indent);
      if (indent == 0 && !body.startsWith("-")) {
        inOuts = body.equals("outs:");
        item = null;
        continue;
      }
      if (!inOuts) {
        continue;
      }
      boolean listItem = body.equals("-") || body.startsWith("- ");
      if (listItem && item != null && indent >= keyIndent) {
        continue; // a list nested under a key we skip
      }
      if (listItem) {
        if (body.equals("-")) {
          throw bad(source, lineNo, "expected an output on the same line as its dash");
        }
        item = new HashMap<>();
        items.add(item);
        keyIndent = indent + 2 + indentOf(body.substring(2));
        body = body.substring(2).strip();
        indent = keyIndent;
      }
      if (item == null || indent != keyIndent) {
        continue; // nested under a key we skip, such as meta:
      }
      int colon = body.indexOf(':');
      if (colon <= 0) {
        throw bad(source, lineNo, "expected key: value");
      }
      item.put(body.substring(0, colon).strip(), unquote(body.substring(colon + 1).strip()));
    }
    if (items.isEmpty()) {
      throw new CairnException(source + " has no outs; is it a .dvc file written by dvc add?");
    }
    List<DvcOutput> outs = new ArrayList<>();
    for (Map<String, String> entry : items) {
      outs.add(toOutput(entry, source));
    }
    return outs;
  }

  private static DvcOutput toOutput(Map<String, String> entry, String source) {
    String path = entry.get("path");
    String md5 = entry.get("md5");
    if (path == null || path.isEmpty()) {
      throw new CairnException(source + ": an output has no path");
    }
    String hash = entry.get("hash");
    if (!"md5".equals(hash)) {
      throw new CairnException(
          source
              + ": output "
              + path
              + " has hash "
              + (hash == null ? "(none, a DVC 2 file)" : hash)
              + "; only DVC 3 md5 outputs are supported: run dvc commit with DVC 3 to update it");
    }
    if (md5 == null || !DvcHashing.isHash(md5)) {
      throw new CairnException(source + ": output " + path + " has no valid md5: " + md5);
    }
    return new DvcOutput(path, md5, number(entry, "size", source), intOrNull(entry, source));
  }

  private static @Nullable Long number(Map<String, String> entry, String key, String source) {
    String value = entry.get(key);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new CairnException(source + ": " + key + " is not a number: " + value);
    }
  }

  private static @Nullable Integer intOrNull(Map<String, String> entry, String source) {
    Long n = number(entry, "nfiles", source);
    return n == null ? null : Math.toIntExact(n);
  }

  private static String scalar(String value) {
    if (value.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("control character in output path: " + value);
    }
    return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      return value.substring(1, value.length() - 1).replace("''", "'");
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return value;
  }

  private static String stripComment(String line) {
    if (line.stripLeading().startsWith("#")) {
      return "";
    }
    int hash = line.indexOf(" #");
    boolean quoted = line.indexOf('\'') >= 0 || line.indexOf('"') >= 0;
    return hash >= 0 && !quoted ? line.substring(0, hash) : line;
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static CairnException bad(String source, int line, String what) {
    return new CairnException(source + ":" + line + ": " + what);
  }
}
