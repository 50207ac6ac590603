package dev.cairn.dvc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code .gitignore} entry {@code dvc add} writes beside a {@code .dvc} file. */
public final class DvcGitignore {
  private DvcGitignore() {}

  /** Adds {@code /<name>} to {@code <folder>/.gitignore} unless it is there already. */
  public static void add(Path folder, String name) throws IOException {
    String entry = "/" + escape(name);
    Path gitignore = folder.resolve(".gitignore");
    String text =
        Files.exists(gitignore) ? Files.readString(gitignore, StandardCharsets.UTF_8) : "";
    List<String> lines = text.lines().toList();
    if (lines.contains(entry)) {
      return;
    }
    String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
    Files.createDirectories(folder);
    Files.writeString(gitignore, text + separator + entry + "\n", StandardCharsets.UTF_8);
  }

  /** Escapes what gitignore would read as a pattern, as DVC does for the names it ignores. */
  static String escape(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ("[]!*#?\\".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    // Git drops unescaped trailing spaces.
    int end = out.length();
    while (end > 0 && out.charAt(end - 1) == ' ') {
      end--;
    }
    if (end < out.length()) {
      out.replace(end, out.length(), "\\ ".repeat(out.length() - end));
    }
    return out.toString();
  }
}
