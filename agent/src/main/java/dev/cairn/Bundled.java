package dev.cairn;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The project files bundled in agent.jar under {@code cairn/} (templates, config, examples), as a
 * {@link Path} whether the agent runs from the jar or from the build's classes folder.
 */
public final class Bundled {
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
}
