package dev.cairn.early;

import dev.cairn.terratorch.TerratorchMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A trial's progress read from the CSV logs it writes as it trains: Lightning's CSVLogger files
 * ({@code <save_dir>/<name>/version_<n>/metrics.csv}, a new version folder each time a fit resumes)
 * and the demo trainer's {@code metrics.csv} in the output folder itself. The value of one metric
 * at each epoch that logged it: the rows whose metric cell is not empty, by their {@code epoch}
 * column; a later version folder wins over an earlier one for the same epoch.
 *
 * <p>Only whole lines count: a last line without its newline, or with fewer cells than the header,
 * is never read as a value. Each file is read from where the previous call stopped, so a tick reads
 * only what the trials appended; a file that shrank, was replaced, or whose header changed
 * (Lightning rewrites the file when a new column appears) is read again from its start. One
 * instance serves the loop; it is not thread-safe.
 */
public final class CsvProgress {
  private static final Pattern VERSION = Pattern.compile("version_(\\d{1,9})");
  private static final int CHUNK = 1 << 20;

  /** What is known of one file: how far it was read and the values found so far. */
  private static final class FileState {
    final Object key;
    final String metric;
    long offset;
    byte @Nullable [] header;
    int epochColumn = -1;
    int metricColumn = -1;
    int fields;
    final TreeMap<Integer, Double> values = new TreeMap<>();

    FileState(Object key, String metric) {
      this.key = key;
      this.metric = metric;
    }
  }

  private final Map<Path, FileState> files = new HashMap<>();

  /**
   * The metric's value after each completed epoch (by epochs completed: 1 for Lightning's epoch 0);
   * NaN where a row held something that is not a finite number. Empty when nothing was logged yet.
   *
   * @param metric Cairn's name ({@code val/mIoU}); TerraTorch 1.0's names in a file match their 1.1
   *     aliases
   */
  public SortedMap<Integer, Double> read(Path outputDir, String metric) throws IOException {
    SortedMap<Integer, Double> merged = new TreeMap<>();
    for (Path csv : logs(outputDir)) {
      merged.putAll(readFile(csv, metric));
    }
    return merged;
  }

  /** Forgets what was read under a folder (a trial that ended), so the cache stays small. */
  public void forget(Path outputDir) {
    files.keySet().removeIf(p -> p.startsWith(outputDir));
  }

  /**
   * The CSV logs under an output folder, oldest first: its own {@code metrics.csv}, then each
   * logger name's version folders in the order of their numbers ({@code version_10} after {@code
   * version_9}).
   */
  static List<Path> logs(Path outputDir) throws IOException {
    List<Path> result = new ArrayList<>();
    if (!Files.isDirectory(outputDir)) {
      return result;
    }
    Path own = outputDir.resolve("metrics.csv");
    if (Files.isRegularFile(own)) {
      result.add(own);
    }
    for (Path name : sortedDirs(outputDir)) {
      List<Path> versions = new ArrayList<>();
      if (VERSION.matcher(name.getFileName().toString()).matches()) {
        versions.add(name);
      } else {
        sortedDirs(name).stream()
            .filter(d -> VERSION.matcher(d.getFileName().toString()).matches())
            .forEach(versions::add);
      }
      versions.sort(Comparator.comparingLong(CsvProgress::versionNumber));
      for (Path v : versions) {
        Path csv = v.resolve("metrics.csv");
        if (Files.isRegularFile(csv)) {
          result.add(csv);
        }
      }
    }
    return result;
  }

  private static List<Path> sortedDirs(Path dir) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
      s.forEach(dirs::add);
    }
    dirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return dirs;
  }

  private static long versionNumber(Path dir) {
    Matcher m = VERSION.matcher(dir.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private SortedMap<Integer, Double> readFile(Path csv, String metric) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(csv, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      files.remove(csv);
      return new TreeMap<>();
    }
    Object key = attrs.fileKey() != null ? attrs.fileKey() : attrs.creationTime();
    FileState state = files.get(csv);
    try (FileChannel ch = FileChannel.open(csv, StandardOpenOption.READ)) {
      long size = ch.size();
      if (state == null
          || !Objects.equals(state.key, key)
          || !state.metric.equals(metric)
          || size < state.offset
          || !sameHeader(ch, state)) {
        state = new FileState(key, metric);
        files.put(csv, state);
      }
      readFrom(ch, size, state);
    }
    return state.values;
  }

  private static boolean sameHeader(FileChannel ch, FileState state) throws IOException {
    if (state.header == null) {
      return true;
    }
    ByteBuffer buf = ByteBuffer.allocate(state.header.length);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // read the header's length from the start
    }
    return Arrays.equals(buf.array(), state.header);
  }

  /** Reads whole lines from the state's offset up to {@code size}; a partial line waits. */
  private static void readFrom(FileChannel ch, long size, FileState state) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(0, size - state.offset)));
    while (state.offset < size && buf.capacity() > 0) {
      buf.clear();
      int n = ch.read(buf, state.offset);
      if (n <= 0) {
        return;
      }
      byte[] bytes = buf.array();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          line(state, bytes, start, i);
          start = i + 1;
        }
      }
      if (start == 0 && n < CHUNK) {
        return; // a partial last line: read it again once its newline is there
      }
      // a line longer than a chunk is no CSVLogger row: what was read of it is skipped
      state.offset += start == 0 ? n : start;
      if (n < buf.capacity()) {
        return;
      }
    }
  }

  private static void line(FileState state, byte[] bytes, int from, int newline) {
    int end = newline > from && bytes[newline - 1] == '\r' ? newline - 1 : newline;
    String text = new String(bytes, from, end - from, StandardCharsets.UTF_8);
    if (state.header == null) {
      state.header = Arrays.copyOfRange(bytes, from, newline + 1);
      String[] names = cells(text);
      state.fields = names.length;
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals("epoch")) {
          state.epochColumn = i;
        } else if (TerratorchMetrics.bundled().canonical(names[i]).equals(state.metric)) {
          state.metricColumn = i;
        }
      }
      return;
    }
    if (state.epochColumn < 0 || state.metricColumn < 0) {
      return;
    }
    String[] cells = cells(text);
    if (cells.length != state.fields) {
      return;
    }
    String cell = cells[state.metricColumn];
    Integer epoch = epoch(cells[state.epochColumn]);
    if (cell.isEmpty() || epoch == null) {
      return;
    }
    state.values.put(epoch + 1, number(cell));
  }

  private static String[] cells(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].strip();
      cells[i] =
          c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")
              ? c.substring(1, c.length() - 1).strip()
              : c;
    }
    return cells;
  }

  private static @Nullable Integer epoch(String cell) {
    try {
      double d = Double.parseDouble(cell);
      return d >= 0 && d == Math.rint(d) && d < Integer.MAX_VALUE ? (int) d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double number(String cell) {
    try {
      double d = Double.parseDouble(cell);
      return Double.isFinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
