package dev.cairn.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NullAway runs on all hand-written main code (docs/testing.md): no source file may switch it off
 * with a SuppressWarnings annotation naming NullAway (or NullAway.Init) or nullness. Generated code
 * lives under {@code target/}, which the scan does not enter.
 */
class NullnessSuppressionsTest {
  private static final Pattern SUPPRESS =
      Pattern.compile("@SuppressWarnings\\s*\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern NULLNESS = Pattern.compile("\"(NullAway[^\"]*|nullness)\"");

  @Test
  void handWrittenSources_suppressNoNullnessCheck() {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> sourceRoots =
        List.of(root.resolve("agent/src"), root.resolve("examples/demo-trainer/src"));
    for (Path sources : sourceRoots) {
      assertTrue(Files.isDirectory(sources), sources + " is not a folder");
      assertEquals(List.of(), suppressions(sources), "NullAway suppressed under " + sources);
    }
  }

  @Test
  void scan_findsEachSpellingOfTheSuppression(@TempDir Path dir) throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("main/java/x"));
    Files.writeString(
        pkg.resolve("A.java"), "class A { " + suppress("'NullAway'") + " void f() {} }");
    Files.writeString(
        pkg.resolve("B.java"),
        "class B {\n  " + suppress("{'unchecked',\n      'nullness'}") + "\n  void g() {}\n}");
    Files.writeString(
        pkg.resolve("C.java"), "class C { " + suppress("'NullAway.Init'") + " Object o; }");
    Files.writeString(pkg.resolve("D.java"), "class D { " + suppress("'unused'") + " int i; }");

    assertEquals(
        List.of("A.java: \"NullAway\"", "B.java: \"nullness\"", "C.java: \"NullAway.Init\""),
        suppressions(dir));
  }

  /** The annotation with these keys, single quotes for double (so that this file holds none). */
  private static String suppress(String keys) {
    return "@" + "SuppressWarnings(" + keys.replace('\'', '"') + ")";
  }

  /** Each nullness suppression under the folder, as {@code File.java: "key"}, by file name. */
  private static List<String> suppressions(Path sources) {
    try (Stream<Path> files = Files.walk(sources)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .sorted()
          .flatMap(f -> found(f).stream().map(key -> f.getFileName() + ": " + key))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> found(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = SUPPRESS.matcher(text);
    List<String> keys = new java.util.ArrayList<>();
    while (m.find()) {
      Matcher key = NULLNESS.matcher(m.group(1));
      while (key.find()) {
        keys.add(key.group());
      }
    }
    return keys;
  }
}
