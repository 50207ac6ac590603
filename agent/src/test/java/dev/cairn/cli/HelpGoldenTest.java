package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Golden help pages: {@code agent.jar <command> --help} of every command matches {@code
 * help/<command>.txt}. Run with {@code -Dcairn.updateGolden=true} to rewrite them after a
 * deliberate change, then review the diff; a command without a page fails.
 */
class HelpGoldenTest {
  static final Path GOLDEN = Fixtures.projectDir().resolve("agent/src/test/resources/help");

  /** Every command of the tree, by its name after agent.jar ("" for agent.jar itself). */
  static List<String> commands() {
    CommandLine root = new CommandLine(new Main());
    List<String> names = new ArrayList<>();
    collect(root, names);
    return names;
  }

  private static void collect(CommandLine command, List<String> names) {
    names.add(HelpPages.nameOf(command));
    command.getSubcommands().values().forEach(sub -> collect(sub, names));
  }

  static String file(String command) {
    return (command.isEmpty() ? "agent.jar" : command.replace(' ', '-')) + ".txt";
  }

  static String help(String command) {
    List<String> args = new ArrayList<>();
    if (!command.isEmpty()) {
      args.addAll(List.of(command.split(" ")));
    }
    args.add("--help");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, code, command);
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void help_matchesGoldenFile(String command) throws Exception {
    String text = help(command);
    Path golden = GOLDEN.resolve(file(command));
    if (Boolean.getBoolean("cairn.updateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, text);
    }
    assertTrue(
        Files.exists(golden),
        golden.getFileName() + " is missing; run with -Dcairn.updateGolden=true and review it");
    assertEquals(Files.readString(golden), text);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void help_saysWhatTheCommandDoesBeforeUsage_andEndsWithAnExample(String command) {
    String text = help(command);
    List<String> lines = text.lines().toList();
    assertTrue(!lines.get(0).startsWith("Usage:") && !lines.get(0).isBlank(), text);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("Usage: agent.jar")), text);
    int example = lines.indexOf("Example:");
    assertTrue(example > 0 && lines.get(example + 1).startsWith("  java -jar agent.jar "), text);
  }

  @Test
  void help_everyExampleNamesACommandThatExists() {
    assertEquals(new TreeSet<>(commands()), new TreeSet<>(HelpPages.EXAMPLES.keySet()));
  }

  @Test
  void help_descriptionsAreWholeParagraphs() {
    for (String command : commands()) {
      CommandLine cli = new CommandLine(new Main());
      HelpPages.apply(cli);
      CommandLine c = cli;
      for (String part : command.isEmpty() ? new String[0] : command.split(" ")) {
        c = c.getSubcommands().get(part);
      }
      for (String paragraph : c.getCommandSpec().usageMessage().description()) {
        assertTrue(
            paragraph.replace("%n", "").strip().matches("(?s).*[.:)]"), command + ": " + paragraph);
      }
    }
  }

  @Test
  void goldenFolder_holdsNoPageOfACommandThatIsGone() throws Exception {
    Set<String> expected = new TreeSet<>();
    commands().forEach(c -> expected.add(file(c)));
    Set<String> present = new TreeSet<>();
    try (Stream<Path> files = Files.list(GOLDEN)) {
      files.forEach(f -> present.add(f.getFileName().toString()));
    }
    assertEquals(expected, present);
  }
}
