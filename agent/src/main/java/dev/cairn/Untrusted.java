package dev.cairn;

import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Makes text from outside the agent (object keys, request fields, commit subjects) safe for one log
 * line or one line of a message: control characters are written out ({@code \n}, {@code \x1b}), so
 * that nobody can forge a log line or a terminal escape, and long values are cut.
 */
public final class Untrusted {
  private static final int MAX = 200;

  private Untrusted() {}

  /** For a log argument: the text with control characters made visible, at most 200 chars. */
  public static String forLog(@Nullable String text) {
    return forLog(text, MAX);
  }

  /**
   * One line of at most about {@code max} chars: control characters, newlines included, written out
   * ({@code \n}), so that text of several lines cannot print a line of its own.
   */
  public static String forLog(@Nullable String text, int max) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\\') {
        sb.append("\\\\");
      } else if (isControl(c)) {
        sb.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        sb.append(c);
      }
    }
    return sb.length() >= max && text.length() > max ? sb + "..." : sb.toString();
  }

  /**
   * One line of at most {@code max} characters: control characters (newlines included) become
   * spaces, runs of spaces one space; null stays null.
   */
  public static @Nullable String oneLine(@Nullable String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = isControl(text.charAt(i)) ? ' ' : text.charAt(i);
      if (c == ' ' && (sb.isEmpty() || sb.charAt(sb.length() - 1) == ' ')) {
        continue;
      }
      sb.append(c);
    }
    String s = sb.toString().strip();
    return s.length() > max ? s.substring(0, max - 3) + "..." : s;
  }

  /**
   * The text with {@code < > & "} written as entities, as HTML, XML and Markdown read them, and
   * every other character as {@code other} appends it; null becomes the empty string.
   */
  public static String withEntities(
      @Nullable String text, BiConsumer<StringBuilder, Character> other) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        default -> other.accept(sb, c);
      }
    }
    return sb.toString();
  }

  /** Whether the text holds a character no single line of a script, log or report may hold. */
  public static boolean hasControl(CharSequence text) {
    return text != null && text.chars().anyMatch(c -> isControl((char) c));
  }

  /**
   * C0 and C1 controls, DEL, and the Unicode line and paragraph separators and bidi overrides that
   * let text look like other text.
   */
  public static boolean isControl(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
