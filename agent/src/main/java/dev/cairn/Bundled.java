package dev.cairn;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The project files bundled in agent.jar under {@code cairn/} (templates, config, examples), as a
 * {@link Path} whether the agent runs from the jar or from the build's classes folder.
 */
public final class Bundled {
  /** The demo trainer's file name, in the jar under {@code cairn/} and where it is copied. */
  public static final String DEMO_TRAINER = "demo-trainer.jar";

  private Bundled() {}

  /** {@code cairn/<relative>} inside the jar or classes folder. */
  public static Path path(String relative) {
    URL url = Bundled.class.getClassLoader().getResource("cairn/" + relative);
    if (url == null) {
      throw new CairnException(
          "the agent was built without cairn/" + relative + "; rebuild it with mvn package");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return fs.provider().getPath(uri);
      }
      return Path.of(uri);
    } catch (IOException | URISyntaxException e) {
      throw new CairnException("cannot read the bundled cairn/" + relative + ": " + e.getMessage());
    }
  }

  /**
   * Copies the demo trainer jar bundled in agent.jar into {@code dir} (made where missing), in one
   * move so that a job never reads half a jar; the copy's path.
   */
  public static Path copyDemoTrainer(Path dir) throws IOException {
    Path target = dir.resolve(DEMO_TRAINER);
    try (InputStream in =
        Bundled.class.getClassLoader().getResourceAsStream("cairn/" + DEMO_TRAINER)) {
      if (in == null) {
        throw new CairnException(
            "this agent.jar was built without the demo trainer; set CAIRN_TRAINER_JAR or rebuild with mvn package");
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "demo-trainer", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
