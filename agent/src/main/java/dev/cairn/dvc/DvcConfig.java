package dev.cairn.dvc;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The project's {@code .dvc/config} naming the default remote, so that a plain {@code dvc pull}
 * works in a clone. It never holds credentials: DVC takes those from the environment.
 */
public final class DvcConfig {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String INDENT = "    ";
  private static final String DVC_GITIGNORE = "/config.local\n/tmp\n/cache\n";

  private DvcConfig() {}

  /** {@code s3://bucket/storePrefix/remotePrefix}, the URL DVC needs for the agent's remote. */
  public static String s3Url(String bucket, String storePrefix, String remotePrefix) {
    StringBuilder url = new StringBuilder("s3://").append(bucket);
    for (String part : new String[] {storePrefix, remotePrefix}) {
      String p = DvcHashing.normalizePrefix(part);
      if (!p.isEmpty()) {
        url.append('/').append(p);
      }
    }
    return url.toString();
  }

  /** The remote's folder when the store is a local folder. */
  public static String fileUrl(Path storeRoot, String remotePrefix) {
    Path root = storeRoot.toAbsolutePath().normalize();
    String p = DvcHashing.normalizePrefix(remotePrefix);
    return (p.isEmpty() ? root : root.resolve(p)).toString();
  }

  /**
   * The config text for one default remote; {@code endpointUrl} is null for AWS and for folders.
   */
  public static String render(String remoteName, String url, @Nullable String endpointUrl) {
    return render(new LinkedHashMap<>(), remoteName, url, endpointUrl);
  }

  /**
   * Writes {@code <repoRoot>/.dvc/config} (keeping other settings already there) and the {@code
   * .dvc/.gitignore} that {@code dvc init} writes; leaves files untouched when nothing changes.
   */
  public static void write(
      Path repoRoot, String remoteName, String url, @Nullable String endpointUrl)
      throws IOException {
    Path dir = repoRoot.resolve(".dvc");
    Files.createDirectories(dir);
    Path config = dir.resolve("config");
    String before = Files.exists(config) ? Files.readString(config, StandardCharsets.UTF_8) : "";
    String after = render(sections(before), remoteName, url, endpointUrl);
    if (!after.equals(before)) {
      Files.writeString(config, after, StandardCharsets.UTF_8);
    }
    Path gitignore = dir.resolve(".gitignore");
    if (!Files.exists(gitignore)) {
      Files.writeString(gitignore, DVC_GITIGNORE, StandardCharsets.UTF_8);
    }
  }

  /** The default remote named by a repository's {@code .dvc/config}. */
  public record Remote(String name, String url, @Nullable String endpointUrl) {}

  /**
   * Reads the default remote from {@code <repoRoot>/.dvc/config} text.
   *
   * @throws dev.cairn.CairnException when there is no default remote or it has no url
   */
  public static Remote readRemote(String configText, String source) {
    Map<String, List<String>> sections = sections(configText);
    String name = value(sections.getOrDefault("[core]", List.of()), "remote");
    if (name == null) {
      throw new dev.cairn.CairnException(
          source
              + " names no default remote ([core] remote = ...); run the agent's publish once or add one");
    }
    List<String> remote = sections.get("['remote \"" + name + "\"']");
    String url = remote == null ? null : value(remote, "url");
    if (remote == null || url == null) {
      throw new dev.cairn.CairnException(source + " has no url for the remote '" + name + "'");
    }
    return new Remote(name, url, value(remote, "endpointurl"));
  }

  private static @Nullable String value(List<String> lines, String key) {
    for (String line : lines) {
      String s = line.strip();
      int eq = s.indexOf('=');
      if (eq > 0 && s.substring(0, eq).strip().equals(key)) {
        return s.substring(eq + 1).strip();
      }
    }
    return null;
  }

  private static String render(
      Map<String, List<String>> sections,
      String remoteName,
      String url,
      @Nullable String endpointUrl) {
    if (!NAME.matcher(remoteName).matches()) {
      throw new IllegalArgumentException("not a DVC remote name: " + remoteName);
    }
    checkUrl(url, "url");
    if (endpointUrl != null) {
      checkUrl(endpointUrl, "endpointurl");
    }
    List<String> core = new ArrayList<>(sections.getOrDefault("[core]", List.of()));
    core.removeIf(line -> line.strip().startsWith("remote ") || line.strip().startsWith("remote="));
    core.add(0, INDENT + "remote = " + remoteName);
    List<String> remote = new ArrayList<>();
    remote.add(INDENT + "url = " + url);
    if (endpointUrl != null) {
      remote.add(INDENT + "endpointurl = " + endpointUrl);
    }
    String remoteHeader = "['remote \"" + remoteName + "\"']";
    Map<String, List<String>> merged = new LinkedHashMap<>();
    merged.put("[core]", core);
    merged.put(remoteHeader, remote);
    // Keys before any section header have no place in DVC's config; they are dropped.
    sections.remove("");
    sections.forEach(merged::putIfAbsent);

    StringBuilder text = new StringBuilder();
    merged.forEach(
        (header, lines) -> {
          text.append(header).append('\n');
          lines.forEach(line -> text.append(line).append('\n'));
        });
    return text.toString();
  }

  /** Existing config split by section header; lines before any header go under "". */
  private static Map<String, List<String>> sections(String text) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    String header = "";
    for (String line : text.lines().toList()) {
      String stripped = line.strip();
      if (stripped.startsWith("[") && stripped.endsWith("]")) {
        header = canonicalHeader(stripped);
        sections.putIfAbsent(header, new ArrayList<>());
      } else if (!stripped.isEmpty()) {
        sections.computeIfAbsent(header, h -> new ArrayList<>()).add(line);
      }
    }
    return sections;
  }

  private static String canonicalHeader(String header) {
    // configobj reads ['remote "x"'] and [remote "x"] alike; DVC writes the quoted form.
    String inner = header.substring(1, header.length() - 1).strip();
    if (inner.length() >= 2 && inner.startsWith("'") && inner.endsWith("'")) {
      inner = inner.substring(1, inner.length() - 1);
    }
    return inner.contains(" ") ? "['" + inner + "']" : "[" + inner + "]";
  }

  private static void checkUrl(String url, String what) {
    if (url == null || url.isBlank() || url.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("not a DVC " + what + ": " + url);
    }
    if (url.contains("://") && URI.create(url).getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the DVC " + what + " must not carry credentials; DVC reads them from the environment");
    }
  }
}
