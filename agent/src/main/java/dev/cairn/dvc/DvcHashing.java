package dev.cairn.dvc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** MD5 hashing as DVC 3 does it, and where each hash lives in a DVC remote. */
final class DvcHashing {
  static final String DIR_SUFFIX = ".dir";
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{32}(\\.dir)?");
  private static final int BUFFER = 1 << 16;

  /** Orders strings by Unicode code point, as Python sorts {@code str}. */
  static final Comparator<String> CODE_POINT_ORDER = DvcHashing::compareCodePoints;

  private DvcHashing() {}

  /** The MD5 of a file's raw bytes, streamed. */
  static String md5(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String md5(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  static boolean isHash(@Nullable String value) {
    return value != null && HASH.matcher(value).matches();
  }

  /** The object key of a hash ({@code abc...} or {@code abc....dir}) under a remote prefix. */
  static String key(String prefix, String hash) {
    if (!isHash(hash)) {
      throw new IllegalArgumentException("not a DVC md5: " + hash);
    }
    return filesPrefix(prefix) + hash.substring(0, 2) + "/" + hash.substring(2);
  }

  /** Where a DVC 3 remote keeps its MD5 objects: {@code <prefix>/files/md5/}. */
  static String filesPrefix(String prefix) {
    return (prefix.isEmpty() ? "" : prefix + "/") + "files/md5/";
  }

  static String normalizePrefix(String prefix) {
    String p = prefix == null ? "" : prefix.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
