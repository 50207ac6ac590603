package dev.cairn.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A metric, a comparison and a threshold that a task's test metrics must meet: {@code
 * test/mIoU>=0.3}.
 */
public record QualityGate(String metric, String operator, double threshold) {
  private static final Pattern FORM =
      Pattern.compile(
          "([A-Za-z][A-Za-z0-9_./-]{0,63})\\s*(>=|<=|>|<)\\s*([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)");

  /** Parses {@code metric>=number}; null when the text is not of that form. */
  static @Nullable QualityGate parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    double threshold = Double.parseDouble(m.group(3));
    // 1e999 reads as Infinity: a gate no metric can meet, or meets always
    if (!Double.isFinite(threshold)) {
      return null;
    }
    return new QualityGate(m.group(1), m.group(2), threshold);
  }

  /** Parses a gate already validated once, as a run record or {@code status.json} holds it. */
  @JsonCreator
  public static QualityGate of(String text) {
    QualityGate gate = parse(text);
    if (gate == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a quality gate; expected METRIC>=NUMBER (or >, <=, <)");
    }
    return gate;
  }

  public boolean passes(double value) {
    return switch (operator) {
      case ">=" -> value >= threshold;
      case ">" -> value > threshold;
      case "<=" -> value <= threshold;
      case "<" -> value < threshold;
      default -> throw new IllegalStateException(operator);
    };
  }

  @JsonValue
  @Override
  public String toString() {
    return metric + operator + String.format(Locale.ROOT, "%s", trim(threshold));
  }

  private static String trim(double v) {
    String s = Double.toString(v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
