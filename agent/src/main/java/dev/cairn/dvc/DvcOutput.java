package dev.cairn.dvc;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@code .dvc} file's {@code outs}: a path relative to the {@code .dvc} file, its
 * MD5 ({@code .dir}-suffixed for a directory), total size in bytes, and for a directory the number
 * of files ({@code null} for a single file; size too may be {@code null} when a file omits it).
 */
public record DvcOutput(String path, String md5, @Nullable Long size, @Nullable Integer nfiles) {

  public boolean isDirectory() {
    return md5.endsWith(DvcHashing.DIR_SUFFIX);
  }
}
