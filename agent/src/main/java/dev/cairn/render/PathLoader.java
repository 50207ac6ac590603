package dev.cairn.render;

import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads Pebble templates from a {@link Path} root, so the same code reads a templates folder and
 * the copy bundled inside the jar (a zip file system). Names may not leave the root.
 */
final class PathLoader implements Loader<String> {
  private final Path root;

  PathLoader(Path root) {
    this.root = root;
  }

  @Override
  public Reader getReader(String name) {
    Path p = resolve(name);
    try {
      return new StringReader(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LoaderException(e, "cannot read template " + name + " under " + root);
    }
  }

  @Override
  public void setCharset(String charset) {}

  @Override
  public void setPrefix(String prefix) {}

  @Override
  public void setSuffix(String suffix) {}

  @Override
  public String resolveRelativePath(String relativePath, String anchorPath) {
    return relativePath;
  }

  @Override
  public String createCacheKey(String name) {
    return name;
  }

  @Override
  public boolean resourceExists(String name) {
    return Files.isRegularFile(resolve(name));
  }

  private Path resolve(String name) {
    Path p = root.resolve(name).normalize();
    if (!p.startsWith(root)) {
      throw new LoaderException(null, "template name leaves the templates folder: " + name);
    }
    return p;
  }
}
