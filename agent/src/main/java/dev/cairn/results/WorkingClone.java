package dev.cairn.results;

import dev.cairn.CairnException;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Opens the Git clone a command is run in, or says in one line that there is none. */
public final class WorkingClone {
  private WorkingClone() {}

  /**
   * The repository holding {@code dir} (it or a folder above it); a {@link CairnException} (exit 2)
   * ending with {@code fix} where there is none.
   */
  public static Repository open(Path dir, String fix) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(absolute.toFile());
    if (builder.getGitDir() == null) {
      throw new CairnException(absolute + " is not in a Git clone; " + fix);
    }
    return builder.setMustExist(true).build();
  }
}
