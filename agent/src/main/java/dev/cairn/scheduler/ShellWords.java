package dev.cairn.scheduler;

import dev.cairn.CairnException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a settings value into command-line words as a shell would: blanks separate, single and
 * double quotes group, a backslash escapes. Nothing is expanded or executed.
 */
public final class ShellWords {
  private ShellWords() {}

  /**
   * @param setting the setting the text comes from, for the message of an unclosed quote
   */
  public static List<String> split(String setting, String text) {
    List<String> words = new ArrayList<>();
    if (text == null) {
      return words;
    }
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
          word.append(text.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new CairnException(
          setting + " has an unclosed " + quote + " quote: " + text + "; close it or remove it");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
