package dev.cairn.render;

import java.util.regex.Pattern;

/**
 * POSIX shell quoting: a value that is only safe characters stays as it is, anything else is put in
 * single quotes with each {@code '} written as {@code '\''}. Inside single quotes the shell expands
 * nothing, so {@code $(...)}, backticks, {@code ;} and newlines stay literal text.
 */
public final class ShellQuote {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private ShellQuote() {}

  public static String quote(String value) {
    if (value == null) {
      return "''";
    }
    if (SAFE.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
