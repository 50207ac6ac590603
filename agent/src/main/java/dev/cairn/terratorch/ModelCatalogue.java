package dev.cairn.terratorch;

import dev.cairn.Bundled;
import dev.cairn.CairnException;
import dev.cairn.CsvTable;
import dev.cairn.MemorySize;
import dev.cairn.Spelling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The backbones {@code GEOFM} may name, with the facts rendering needs about each: read from the
 * data file {@code examples/terratorch/models.csv} bundled in the agent.
 */
public final class ModelCatalogue {
  /** Where the catalogue lives in the project (and, under {@code cairn/}, in the jar). */
  public static final String SOURCE = "examples/terratorch/models.csv";

  private final Map<String, Model> models;

  /**
   * One backbone.
   *
   * @param blocks transformer blocks in its encoder
   * @param neckIndices the blocks whose outputs the SelectIndices neck passes to the decoder
   * @param memory a suggested MEMORY_PER_JOB, such as {@code 32G}
   * @param versions the TerraTorch versions ({@code CAIRN_TERRATORCH_VERSION}) that register it
   * @param hfRepo the Hugging Face model repository of its pretrained weights ({@code org/name})
   * @param hfFile the weights file in that repository
   */
  public record Model(
      String name,
      int blocks,
      List<Integer> neckIndices,
      String memory,
      List<String> versions,
      String hfRepo,
      String hfFile) {
    /** Whether that TerraTorch version registers this backbone. */
    public boolean in(String version) {
      return versions.contains(version);
    }

    /** The indices as YAML and TerraTorch's command line write a list: {@code [5, 11, 17, 23]}. */
    public String neckIndicesText() {
      return neckIndices.toString();
    }
  }

  private ModelCatalogue(Map<String, Model> models) {
    this.models = models;
  }

  /** The catalogue bundled with the agent. */
  public static ModelCatalogue bundled() {
    return Holder.BUNDLED;
  }

  /** The bundled catalogue, read once, when first asked for. */
  private static final class Holder {
    static final ModelCatalogue BUNDLED = read();

    private static ModelCatalogue read() {
      try {
        return parse(Files.readString(Bundled.path(SOURCE), StandardCharsets.UTF_8), SOURCE);
      } catch (IOException e) {
        throw new CairnException(
            "cannot read the model catalogue " + SOURCE + ": " + e.getMessage());
      }
    }
  }

  private static String cell(Map<String, String> row, String column, String origin) {
    String value = row.get(column);
    if (value == null) {
      throw new IllegalArgumentException(origin + " has no column '" + column + "'; add it");
    }
    return value;
  }

  /** Parses the CSV text; every row is checked so that a bad entry fails early and by name. */
  static ModelCatalogue parse(String text, String origin) {
    Map<String, Model> models = new LinkedHashMap<>();
    for (Map<String, String> row : CsvTable.parse(text, origin)) {
      String name = cell(row, "name", origin);
      int blocks = Integer.parseInt(cell(row, "blocks", origin));
      List<Integer> indices = new ArrayList<>();
      for (String s : cell(row, "neck_indices", origin).trim().split("\\s+")) {
        indices.add(Integer.parseInt(s));
      }
      for (int i = 0; i < indices.size(); i++) {
        if (indices.get(i) < 0
            || indices.get(i) >= blocks
            || (i > 0 && indices.get(i) <= indices.get(i - 1))) {
          throw new IllegalArgumentException(
              origin
                  + ": "
                  + name
                  + " has neck indices "
                  + indices
                  + " that are not rising block numbers below "
                  + blocks);
        }
      }
      MemorySize.mib(cell(row, "memory", origin)); // throws when out of range
      String versionCell = row.getOrDefault("versions", "");
      List<String> versions =
          versionCell.isBlank()
              ? TerratorchMetrics.VERSIONS
              : List.of(versionCell.trim().split("\\s+"));
      for (String v : versions) {
        if (!TerratorchMetrics.VERSIONS.contains(v)) {
          throw new IllegalArgumentException(
              origin
                  + ": "
                  + name
                  + " names TerraTorch version "
                  + v
                  + "; the versions are "
                  + String.join(", ", TerratorchMetrics.VERSIONS));
        }
      }
      models.put(
          name,
          new Model(
              name,
              blocks,
              List.copyOf(indices),
              cell(row, "memory", origin),
              versions,
              row.getOrDefault("hf_repo", ""),
              row.getOrDefault("hf_file", "")));
    }
    return new ModelCatalogue(java.util.Collections.unmodifiableMap(models));
  }

  public Set<String> names() {
    return new LinkedHashSet<>(models.keySet());
  }

  public Optional<Model> find(String name) {
    return Optional.ofNullable(models.get(name));
  }

  /** The model of that name; a name outside the catalogue is a mistake the message helps fix. */
  public Model get(String name) {
    Model m = models.get(name);
    if (m == null) {
      throw new CairnException(
          "GEOFM=" + name + " is not in the model catalogue: " + allowed(name));
    }
    return m;
  }

  /** The check {@code GEOFM} gets in the experiment config's schema. */
  public Function<String, String> check() {
    return v -> {
      String s = v.strip();
      if (models.containsKey(s)) {
        return s;
      }
      throw new IllegalArgumentException(allowed(s));
    };
  }

  private String allowed(String given) {
    return "use a backbone of the model catalogue ("
        + SOURCE
        + "): "
        + String.join(", ", models.keySet())
        + Spelling.hint(given, models.keySet());
  }
}
