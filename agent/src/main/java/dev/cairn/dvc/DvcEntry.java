package dev.cairn.dvc;

import java.nio.file.Path;

/** One file of a directory output: its path inside the output, MD5, size and local file. */
record DvcEntry(String relpath, String md5, long size, Path file) {}
