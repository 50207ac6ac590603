package dev.cairn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small comma-separated table with a header row; lines starting with {@code #} are comments. */
public final class CsvTable {
  private CsvTable() {}

  /** The rows as maps from column name to (stripped) cell; a row of the wrong width is an error. */
  public static List<Map<String, String>> parse(String text, String origin) {
    List<Map<String, String>> rows = new ArrayList<>();
    String[] header = null;
    int number = 0;
    for (String line : text.split("\r?\n", -1)) {
      number++;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (header == null) {
        header = cells;
        continue;
      }
      if (cells.length != header.length) {
        throw new IllegalArgumentException(
            origin
                + " line "
                + number
                + " has "
                + cells.length
                + " cells, the header "
                + header.length
                + ": "
                + line);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i].strip(), cells[i].strip());
      }
      rows.add(row);
    }
    return rows;
  }
}
