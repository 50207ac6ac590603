package dev.cairn.dvc;

import java.util.List;

/**
 * Serializes a directory manifest byte for byte as DVC does: Python's {@code json.dumps(list,
 * sort_keys=True)} with its default separators and ASCII-only output.
 */
final class DvcJson {
  private DvcJson() {}

  /** The manifest of entries already sorted by relpath; keys {@code md5} then {@code relpath}. */
  static String manifest(List<DvcEntry> entries) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      DvcEntry entry = entries.get(i);
      out.append("{\"md5\": ");
      quote(entry.md5(), out);
      out.append(", \"relpath\": ");
      quote(entry.relpath(), out);
      out.append('}');
    }
    return out.append(']').toString();
  }

  /** A JSON string literal as Python writes it with {@code ensure_ascii=True}. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder();
    quote(value, out);
    return out.toString();
  }

  private static void quote(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Java chars are UTF-16 units, so a supplementary character arrives as the surrogate
          // pair Python writes.
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
