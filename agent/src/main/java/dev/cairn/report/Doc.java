package dev.cairn.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A report as blocks of plain text (headings, paragraphs, tables, charts, preformatted text), so
 * that one content is written as Markdown, HTML or terminal text, each escaping for where it lands.
 */
public final class Doc {
  /** One block of the document. */
  public sealed interface Block permits Heading, Para, Table, Image, Code {}

  public record Heading(int level, String text) implements Block {}

  public record Para(String text) implements Block {}

  public record Table(List<String> header, List<List<String>> rows) implements Block {
    public Table {
      header = List.copyOf(header);
      rows = rows.stream().map(List::copyOf).toList();
    }
  }

  /** A chart by its file name under {@code charts/}. */
  public record Image(String alt, String file) implements Block {}

  public record Code(String text) implements Block {}

  private final List<Block> blocks = new ArrayList<>();

  public Doc heading(int level, String text) {
    blocks.add(new Heading(level, text));
    return this;
  }

  public Doc para(String text) {
    blocks.add(new Para(text));
    return this;
  }

  public Doc table(List<String> header, List<List<String>> rows) {
    blocks.add(new Table(header, rows));
    return this;
  }

  public Doc image(String alt, String file) {
    blocks.add(new Image(alt, file));
    return this;
  }

  public Doc code(String text) {
    blocks.add(new Code(text));
    return this;
  }

  public List<Block> blocks() {
    return List.copyOf(blocks);
  }
}
