package dev.cairn.render;

import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a {@link TemplateSet} from a tree of files given as bytes by their paths from the
 * repository's root ({@code templates/job.sh.peb}, {@code examples/terratorch/landslide.yaml}),
 * such as a commit holds them: they are written under a folder (a run's own), which then holds
 * exactly the templates that run was rendered from.
 */
public final class TemplateTree {
  /** The folders of a commit that rendering reads. */
  public static final String TEMPLATES = "templates";

  public static final String TERRATORCH = "examples/terratorch";

  private TemplateTree() {}

  /**
   * @param files paths from the repository's root to contents; only those under {@link #TEMPLATES}
   *     and {@link #TERRATORCH} are written
   * @param into the folder to write them under; what it held before under those folders is replaced
   * @param origin how messages name the tree, e.g. {@code templates/ at commit 3f9a2c1}
   */
  public static TemplateSet materialize(Map<String, byte[]> files, Path into, String origin) {
    try {
      Path root = into.toAbsolutePath().normalize();
      for (String folder : new String[] {TEMPLATES, TERRATORCH}) {
        deleteTree(root.resolve(folder));
      }
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        String path = e.getKey();
        if (!path.startsWith(TEMPLATES + "/") && !path.startsWith(TERRATORCH + "/")) {
          continue;
        }
        Path target = root.resolve(path).normalize();
        if (path.contains("\\") || !target.startsWith(root) || path.contains("/../")) {
          throw new CairnException(origin + " holds a path that leaves its folder: " + path);
        }
        Files.createDirectories(target.getParent());
        Files.write(target, e.getValue());
      }
      if (!Files.isRegularFile(root.resolve(TEMPLATES).resolve("job.sh.peb"))) {
        throw new CairnException(origin + " holds no " + TEMPLATES + "/job.sh.peb");
      }
      return TemplateSet.fromDirectory(root.resolve(TEMPLATES), origin);
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the templates of " + origin + " under " + into + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
