package dev.cairn.store;

import dev.cairn.CairnException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an S3 store is, parsed from {@code s3://bucket/prefix?endpoint=https://host:port&region=r}:
 * bucket, key prefix (no leading or trailing slash, may be empty), an optional endpoint (absent
 * means AWS itself) and the region ({@code us-east-1} unless given).
 */
public record S3Location(String bucket, String prefix, Optional<URI> endpoint, String region) {
  static final String DEFAULT_REGION = "us-east-1";
  private static final String FORM =
      "s3://bucket[/prefix][?endpoint=https://host:port][&region=us-east-1]";
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-_]{1,61}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9\\-]*");

  public S3Location {
    prefix = trimSlashes(prefix);
  }

  /** Parses a store URL; a bad one is a {@link CairnException} naming it and the expected form. */
  public static S3Location parse(String url) {
    if (url == null || !url.startsWith("s3://")) {
      throw bad(url, "it does not start with s3://");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw bad(url, e.getReason());
    }
    if (uri.getRawFragment() != null || uri.getRawUserInfo() != null || uri.getPort() != -1) {
      throw bad(url, "a bucket URL has no user, port or #fragment");
    }
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw bad(url, "the bucket name must be 3-63 lowercase letters, digits, dots or hyphens");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.contains("//") || path.matches(".*(^|/)\\.\\.?(/|$).*")) {
      throw bad(url, "the prefix must not contain empty, . or .. segments");
    }
    URI endpoint = null;
    String region = DEFAULT_REGION;
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        switch (name) {
          case "endpoint" -> endpoint = endpoint(url, value);
          case "region" -> {
            if (!REGION.matcher(value).matches()) {
              throw bad(url, "region '" + value + "' is not a region name like us-east-1");
            }
            region = value;
          }
          default -> throw bad(url, "unknown parameter '" + name + "' (known: endpoint, region)");
        }
      }
    }
    return new S3Location(bucket, path, Optional.ofNullable(endpoint), region);
  }

  /** The full object key for a key relative to the prefix. */
  String key(String relative) {
    return prefix.isEmpty() ? relative : prefix + "/" + relative;
  }

  /** The key relative to the prefix for a full object key from a listing. */
  String relative(String fullKey) {
    return prefix.isEmpty() ? fullKey : fullKey.substring(prefix.length() + 1);
  }

  /** The endpoint for messages: the override, or AWS with the region. */
  public String endpointName() {
    return endpoint.map(URI::toString).orElse("AWS S3 (" + region + ")");
  }

  /** {@code s3://bucket/prefix (endpoint ...)}, for messages. */
  public String describe() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + " (" + endpointName() + ")";
  }

  private static URI endpoint(String url, String value) {
    try {
      URI e = new URI(value);
      boolean http = "http".equals(e.getScheme()) || "https".equals(e.getScheme());
      if (!http || e.getHost() == null || e.getRawQuery() != null || e.getRawUserInfo() != null) {
        throw bad(url, "endpoint '" + value + "' must be http(s)://host[:port]");
      }
      return e;
    } catch (URISyntaxException ex) {
      throw bad(url, "endpoint '" + value + "' is not a URL");
    }
  }

  private static String trimSlashes(String p) {
    if (p == null) {
      return "";
    }
    int start = 0;
    int end = p.length();
    while (start < end && p.charAt(start) == '/') {
      start++;
    }
    while (end > start && p.charAt(end - 1) == '/') {
      end--;
    }
    return p.substring(start, end);
  }

  private static CairnException bad(String url, String why) {
    return new CairnException(
        "store URL '" + url + "' is not valid (" + why + "); expected " + FORM);
  }
}
