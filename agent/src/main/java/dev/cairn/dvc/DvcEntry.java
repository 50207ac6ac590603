package dev.cairn.dvc;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One file of a directory output: its path inside the output, MD5, size and local file (null for a
 * file another agent hashed and uploaded, which only its manifest lists here).
 */
record DvcEntry(String relpath, String md5, long size, @Nullable Path file) {}
