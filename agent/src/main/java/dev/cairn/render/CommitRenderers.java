package dev.cairn.render;

import dev.cairn.CairnException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renderers built from the templates of each run's own commit ({@code CAIRN_TEMPLATES=commit}), so
 * that a template pushed with a config change renders that run, and an older commit its older
 * templates. The files are written into the run's folder ({@code source/templates/}, {@code
 * source/examples/terratorch/}); a commit without {@code templates/job.sh.peb} renders with the
 * agent's own templates, and says so in the log.
 */
public final class CommitRenderers {
  private static final Logger log = LoggerFactory.getLogger(CommitRenderers.class);
  private static final int CACHED = 16;
  private final BiFunction<String, String, Map<String, byte[]>> readFolder;
  private final ScriptRenderer fallback;
  private final Map<String, ScriptRenderer> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ScriptRenderer> eldest) {
          return size() > CACHED;
        }
      };

  /**
   * @param readFolder (commit, folder) to the files under that folder at that commit, by their
   *     paths from the repository's root; empty when there are none
   * @param fallback the agent's own renderer, whose site settings the commit's renderers share
   */
  public CommitRenderers(
      BiFunction<String, String, Map<String, byte[]>> readFolder, ScriptRenderer fallback) {
    this.readFolder = readFolder;
    this.fallback = fallback;
  }

  /** The renderer for a run of {@code commit} whose folder is {@code runDir}. */
  public synchronized ScriptRenderer forRun(String commit, Path runDir) {
    String key = commit + "\n" + runDir;
    ScriptRenderer cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Map<String, byte[]> files =
        new LinkedHashMap<>(readFolder.apply(commit, TemplateTree.TEMPLATES));
    ScriptRenderer renderer;
    if (!files.containsKey(TemplateTree.TEMPLATES + "/job.sh.peb")) {
      log.warn(
          "commit {} has no {}/job.sh.peb: its run renders with {}",
          commit,
          TemplateTree.TEMPLATES,
          fallback.templates().origin());
      renderer = fallback;
    } else {
      files.putAll(readFolder.apply(commit, TemplateTree.TERRATORCH));
      String origin = "templates/ at commit " + commit.substring(0, Math.min(8, commit.length()));
      try {
        renderer =
            new ScriptRenderer(
                TemplateTree.materialize(files, runDir.resolve("source"), origin), fallback.site());
      } catch (CairnException e) {
        throw new CairnException("cannot use the " + origin + ": " + e.getMessage());
      }
    }
    cache.put(key, renderer);
    return renderer;
  }
}
