package dev.cairn.render;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.config.TaskDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The batch-script templates: {@code job.sh.peb} (the frame every job shares), one {@code
 * <scheduler>/header.peb} per scheduler and one {@code tasks/<task>.peb} per task. A task template
 * declares its config keys (and, with {@code metrics:}, the kind of TerraTorch task whose metric
 * names its gate may use) in a leading comment, so a new task is one file:
 *
 * <pre>
 * {# task: landslide
 *    dataset_key: LANDSLIDE_DATASET_PATH
 *    gate_key: LANDSLIDE_QUALITY_GATE
 *    default_gate: test/mIoU>=0.30
 *    metrics: segmentation
 *    summary: Landslide4Sense binary segmentation #}
 * </pre>
 */
public final class TemplateSet {
  private static final Pattern FRONT = Pattern.compile("\\A\\s*\\{#(.*?)#}", Pattern.DOTALL);
  private static final Pattern FIELD =
      Pattern.compile("^\\s*([a-z_]+)\\s*:\\s*(.+?)\\s*$", Pattern.MULTILINE);
  private final Path root;
  private final String origin;
  private final List<TaskDefinition> tasks;
  private final List<String> schedulers;
  private final @Nullable Path terratorchDir;

  private TemplateSet(Path root, String origin, @Nullable Path terratorchDir) throws IOException {
    this.root = root;
    this.origin = origin;
    this.terratorchDir =
        terratorchDir != null && Files.isDirectory(terratorchDir) ? terratorchDir : null;
    if (!Files.isRegularFile(root.resolve("job.sh.peb"))) {
      throw new CairnException(
          origin
              + " holds no job.sh.peb; point CAIRN_TEMPLATES_DIR at the project's templates/ folder");
    }
    this.tasks = readTasks(root.resolve("tasks"));
    List<String> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("header.peb")))
          .map(d -> d.getFileName().toString().replace("/", ""))
          .sorted()
          .forEach(found::add);
    }
    this.schedulers = List.copyOf(found);
  }

  /** Templates from a folder, such as the project's {@code templates/}. */
  public static TemplateSet fromDirectory(Path dir) {
    return fromDirectory(dir, dir.toString());
  }

  /** Templates from a folder, named in messages as {@code origin}. */
  static TemplateSet fromDirectory(Path dir, String origin) {
    try {
      Path root = dir.toAbsolutePath().normalize();
      Path project = root.getParent();
      return new TemplateSet(
          root, origin, project == null ? null : project.resolve("examples/terratorch"));
    } catch (IOException e) {
      throw new CairnException("cannot read templates in " + dir + ": " + e.getMessage());
    }
  }

  /** The templates bundled in the agent jar (or in the build's classes folder). */
  public static TemplateSet bundled() {
    try {
      Path examples;
      try {
        examples = Bundled.path("examples/terratorch");
      } catch (CairnException e) {
        examples = null;
      }
      return new TemplateSet(Bundled.path("templates"), "the agent's bundled templates", examples);
    } catch (IOException e) {
      throw new CairnException("cannot read the bundled templates: " + e.getMessage());
    }
  }

  public List<TaskDefinition> tasks() {
    return tasks;
  }

  public List<String> schedulers() {
    return schedulers;
  }

  Path root() {
    return root;
  }

  public String origin() {
    return origin;
  }

  /**
   * A TerraTorch task config ({@code examples/terratorch/<file>}) that came with these templates.
   */
  public Optional<String> terratorchConfig(String file) {
    if (terratorchDir == null || file.contains("/") || file.startsWith(".")) {
      return Optional.empty();
    }
    Path p = terratorchDir.resolve(file);
    try {
      return Files.isRegularFile(p)
          ? Optional.of(Files.readString(p, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new CairnException("cannot read " + p + ": " + e.getMessage());
    }
  }

  /** SHA-256 of every template file by its relative path: recorded in each run's provenance. */
  public Map<String, String> hashes() {
    Map<String, String> result = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        result.put(rel, sha256(Files.readAllBytes(p)));
      }
    } catch (IOException e) {
      throw new CairnException("cannot read templates in " + origin + ": " + e.getMessage());
    }
    return result;
  }

  private static List<TaskDefinition> readTasks(Path dir) throws IOException {
    List<TaskDefinition> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p :
          files.filter(f -> f.getFileName().toString().endsWith(".peb")).sorted().toList()) {
        result.add(readTask(p));
      }
    }
    return result;
  }

  private static TaskDefinition readTask(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String fileName = file.getFileName().toString();
    String name = fileName.substring(0, fileName.length() - ".peb".length());
    Matcher front = FRONT.matcher(text);
    Map<String, String> fields = new LinkedHashMap<>();
    if (front.find()) {
      Matcher f = FIELD.matcher(front.group(1));
      while (f.find()) {
        fields.put(f.group(1), f.group(2));
      }
    }
    for (String required : List.of("task", "dataset_key", "gate_key", "default_gate")) {
      if (!fields.containsKey(required)) {
        throw new CairnException(
            "template tasks/"
                + fileName
                + " does not declare '"
                + required
                + ":' in its leading {# ... #} comment");
      }
    }
    if (!name.equals(fields.get("task"))) {
      throw new CairnException(
          "template tasks/"
              + fileName
              + " declares task '"
              + fields.get("task")
              + "'; name the file after the task");
    }
    return new TaskDefinition(
        name,
        Objects.requireNonNull(fields.get("dataset_key"), "checked above"),
        Objects.requireNonNull(fields.get("gate_key"), "checked above"),
        Objects.requireNonNull(fields.get("default_gate"), "checked above"),
        fields.getOrDefault("summary", name),
        fields.getOrDefault("metrics", ""));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
