package dev.cairn.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.Json;
import dev.cairn.Untrusted;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * GitLab's REST API (v4) as far as the agent uses it: commit statuses, the merge requests of a
 * commit, their notes, and project uploads. Authenticates with a project access token in the {@code
 * PRIVATE-TOKEN} header; the token appears in no message, log line or exception.
 */
final class GitlabClient {
  /** GitLab rejects a note body longer than this (the notes API's {@code body} attribute). */
  static final int NOTE_MAX_CHARS = 1_000_000;

  private static final int MAX_NOTE_PAGES = 50;
  private final HttpClient http;
  private final String api;
  private final String project;
  private final String token;
  private final Duration timeout;

  GitlabClient(HttpClient http, URI base, String project, String token, Duration timeout) {
    this.http = http;
    String root = base.toString().replaceAll("/+$", "");
    this.api = root + "/api/v4";
    this.project = encode(URLDecoder.decode(project, StandardCharsets.UTF_8));
    this.token = token;
    this.timeout = timeout;
  }

  /** {@code POST /projects/:id/statuses/:sha}; GitLab answers 201 with the status. */
  void postStatus(
      String sha,
      String state,
      String name,
      @Nullable String ref,
      String description,
      @Nullable String targetUrl)
      throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("state", state);
    body.put("name", name);
    if (ref != null) {
      body.put("ref", ref);
    }
    body.put("description", description);
    if (targetUrl != null) {
      body.put("target_url", targetUrl);
    }
    send("POST", projectPath() + "/statuses/" + sha, json(body));
  }

  /** The iids of the open merge requests whose commits include {@code sha}. */
  List<Long> openMergeRequests(String sha) throws IOException, InterruptedException {
    JsonNode list =
        Json.MAPPER.readTree(
            send("GET", projectPath() + "/repository/commits/" + sha + "/merge_requests", null)
                .body());
    List<Long> iids = new ArrayList<>();
    for (JsonNode mr : list) {
      if ("opened".equals(mr.path("state").asText())) {
        iids.add(mr.path("iid").asLong());
      }
    }
    return iids;
  }

  /** The id of the first note of the merge request whose body starts with {@code marker}. */
  @Nullable Long findNote(long iid, String marker) throws IOException, InterruptedException {
    String next = "1";
    for (int pages = 0; pages < MAX_NOTE_PAGES && next != null && !next.isEmpty(); pages++) {
      HttpResponse<String> page =
          send(
              "GET",
              projectPath()
                  + "/merge_requests/"
                  + iid
                  + "/notes?sort=asc&order_by=created_at&per_page=100&page="
                  + next,
              null);
      for (JsonNode note : Json.MAPPER.readTree(page.body())) {
        if (!note.path("system").asBoolean() && note.path("body").asText().startsWith(marker)) {
          return note.path("id").asLong();
        }
      }
      next = page.headers().firstValue("X-Next-Page").orElse(null);
    }
    return null;
  }

  /** {@code POST /projects/:id/merge_requests/:iid/notes}; returns the new note's id. */
  long createNote(long iid, String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        send(
            "POST",
            projectPath() + "/merge_requests/" + iid + "/notes",
            json(Map.of("body", body)));
    return Json.MAPPER.readTree(r.body()).path("id").asLong();
  }

  /** {@code PUT /projects/:id/merge_requests/:iid/notes/:note_id}. */
  void updateNote(long iid, long noteId, String body) throws IOException, InterruptedException {
    send(
        "PUT",
        projectPath() + "/merge_requests/" + iid + "/notes/" + noteId,
        json(Map.of("body", body)));
  }

  /**
   * {@code POST /projects/:id/uploads} (multipart, field {@code file}); returns the upload's {@code
   * url} ({@code /uploads/<secret>/<name>}), which GitLab renders in the project's notes.
   */
  String upload(String fileName, byte[] content) throws IOException, InterruptedException {
    String boundary = "cairn-" + UUID.randomUUID();
    String safe = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + safe
                + "\"\r\nContent-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + content.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(content, 0, body, head.length, content.length);
    System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
    HttpRequest.Builder request =
        request(projectPath() + "/uploads")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    String url = Json.MAPPER.readTree(call(request.build()).body()).path("url").asText();
    if (!url.startsWith("/uploads/")) {
      throw new GitlabException(502, "the upload of " + safe + " returned no /uploads/ url", null);
    }
    return url;
  }

  /** {@code GET /projects/:id}: the project's {@code web_url}. */
  String webUrl() throws IOException, InterruptedException {
    return Json.MAPPER.readTree(send("GET", projectPath(), null).body()).path("web_url").asText();
  }

  private String projectPath() {
    return "/projects/" + project;
  }

  private HttpResponse<String> send(String method, String path, @Nullable String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    return call(b.build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api + path))
        .timeout(timeout)
        .header("PRIVATE-TOKEN", token)
        .header("Accept", "application/json");
  }

  private HttpResponse<String> call(HttpRequest request) throws IOException, InterruptedException {
    return call(http, request, request.method() + " " + request.uri().getRawPath());
  }

  /** Sends the request; any answer but 2xx is a {@link GitlabException} naming {@code what}. */
  static HttpResponse<String> call(HttpClient http, HttpRequest request, String what)
      throws IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new GitlabException(0, "timed out: " + what, null);
    } catch (IOException e) {
      throw new GitlabException(0, "no answer to " + what + ": " + e, null);
    }
    if (r.statusCode() / 100 == 2) {
      return r;
    }
    Duration retryAfter =
        r.headers().firstValue("Retry-After").map(GitlabClient::seconds).orElse(null);
    throw new GitlabException(
        r.statusCode(),
        what + " answered " + r.statusCode() + ": " + Untrusted.oneLine(message(r.body()), 200),
        retryAfter);
  }

  /** GitLab's errors are {@code {"message": ...}} or {@code {"error": ...}}. */
  private static String message(String body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      JsonNode m = n.has("message") ? n.get("message") : n.path("error");
      return m.isMissingNode() ? body : m.isTextual() ? m.asText() : m.toString();
    } catch (IOException | RuntimeException e) {
      return body;
    }
  }

  /**
   * {@code Retry-After} in seconds (what GitLab sends); an HTTP date or junk counts as a minute.
   */
  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return Duration.ofMinutes(1);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String json(Object body) throws IOException {
    return Json.MAPPER.writeValueAsString(body);
  }
}
