package dev.cairn.store;

import dev.cairn.CairnException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Opens the object store a URL names: the one place that picks an implementation. */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * {@code s3://bucket/prefix?...} opens an {@link S3ObjectStore}; {@code file:///path} or a plain
   * path opens a {@link FileObjectStore}. Other schemes are a {@link CairnException}.
   */
  public static ObjectStore open(String url, S3Credentials credentials) throws IOException {
    if (url == null || url.isBlank()) {
      throw new CairnException("no object store given; expected s3://bucket/prefix or a folder");
    }
    if (url.startsWith("s3://")) {
      return new S3ObjectStore(S3Location.parse(url), credentials, S3Options.defaults());
    }
    try {
      if (url.startsWith("file:")) {
        return new FileObjectStore(Path.of(URI.create(url)));
      }
      if (url.matches("^[a-zA-Z][a-zA-Z0-9+.\\-]+://.*")) {
        throw new CairnException(
            "object store '" + url + "' has an unknown scheme; use s3://bucket/prefix or a folder");
      }
      return new FileObjectStore(Path.of(url));
    } catch (IllegalArgumentException e) {
      throw new CairnException(
          "object store '" + url + "' is not a valid file URL or path: " + e.getMessage());
    }
  }
}
