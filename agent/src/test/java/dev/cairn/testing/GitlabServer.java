package dev.cairn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's REST API (v4) as far as the agent uses it, written from GitLab's API documentation, on
 * 127.0.0.1: no real GitLab runs in these tests.
 *
 * <ul>
 *   <li>{@code POST /projects/:id/statuses/:sha} (docs.gitlab.com/api/commits, "Set the pipeline
 *       status of a commit"): {@code state} one of pending, running, success, failed, canceled,
 *       skipped, else 400 {@code {"error":"state does not have a valid value"}}; {@code ref},
 *       {@code target_url} and {@code description} "must be 255 characters or fewer", else 400; 201
 *       with the status.
 *   <li>{@code GET /projects/:id/repository/commits/:sha/merge_requests} (same page, "List merge
 *       requests associated with a commit").
 *   <li>{@code GET|POST /projects/:id/merge_requests/:iid/notes}, {@code PUT .../notes/:note_id}
 *       (docs.gitlab.com/api/notes): {@code body} "limited to 1,000,000 characters", else 400;
 *       pages of {@code per_page} with the {@code X-Next-Page} header (docs.gitlab.com/api/rest,
 *       pagination).
 *   <li>{@code POST /projects/:id/uploads} (docs.gitlab.com/api/project_markdown_uploads):
 *       multipart field {@code file}; 201 {@code {"id","alt","url":"/uploads/<secret>/<name>",
 *       "full_path","markdown"}}.
 *   <li>{@code GET /projects/:id} (docs.gitlab.com/api/projects): {@code web_url}.
 *   <li>Authentication (docs.gitlab.com/api/rest/authentication): the {@code PRIVATE-TOKEN} header,
 *       else 401 {@code {"message":"401 Unauthorized"}}; an unknown project is 404 {@code
 *       {"message":"404 Project Not Found"}}. Rate limits answer 429 with {@code Retry-After}
 *       (docs.gitlab.com/administration/settings/user_and_ip_rate_limits).
 * </ul>
 *
 * Tests queue faults ({@link #fail}, {@link #hang}) for the next requests, and read what arrived.
 */
public final class GitlabServer implements AutoCloseable {
  /** One request as it arrived. */
  public record Request(
      String method, String path, String query, Map<String, String> headers, byte[] body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
      }
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** A note of a merge request, as the server keeps it. */
  public record Note(long id, long iid, String body) {}

  private static final Set<String> STATES =
      Set.of("pending", "running", "success", "failed", "canceled", "skipped");
  private static final Pattern PROJECT = Pattern.compile("^/api/v4/projects/([^/]+)(/.*)?$");

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor =
      java.util.concurrent.Executors.newCachedThreadPool();
  private final String token;
  private final String projectId;
  private final String projectPath;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> statuses = new CopyOnWriteArrayList<>();
  private final Map<Long, Note> notes = new LinkedHashMap<>();
  private final Deque<int[]> faults = new ArrayDeque<>();
  private final List<Object[]> pathFaults = new ArrayList<>();
  private final List<Long> mergeRequests = new ArrayList<>();
  private final List<byte[]> webhook = new CopyOnWriteArrayList<>();
  private long nextId = 100;
  private volatile long hangMillis;

  /**
   * @param projectId the project's id; requests may name it or its path ({@code group/project})
   */
  public GitlabServer(String token, String projectId, String projectPath) throws IOException {
    this.token = token;
    this.projectId = projectId;
    this.projectPath = projectPath;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    // a hanging request must not hold up the next one
    server.setExecutor(executor);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every commit belongs to these open merge requests (by iid). */
  public synchronized GitlabServer withMergeRequests(Long... iids) {
    mergeRequests.addAll(List.of(iids));
    return this;
  }

  /** The next {@code count} requests answer {@code status}, with {@code Retry-After} if > 0. */
  public synchronized void fail(int count, int status, int retryAfterSeconds) {
    for (int i = 0; i < count; i++) {
      faults.add(new int[] {status, retryAfterSeconds});
    }
  }

  /**
   * The request to a path ending in {@code suffix} that comes after {@code skip} others to such
   * paths answers {@code status}, once.
   */
  public synchronized void failOnce(String suffix, int skip, int status) {
    pathFaults.add(new Object[] {suffix, new int[] {skip}, status});
  }

  /** Every request waits this long before its answer: longer than a client's timeout. */
  public void hang(long millis) {
    hangMillis = millis;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The statuses GitLab accepted, in order: {@code sha}, {@code name}, {@code status}... */
  public List<JsonNode> statuses() {
    return List.copyOf(statuses);
  }

  /** The states accepted for {@code sha} and {@code name}, in order. */
  public List<String> states(String sha, String name) {
    return statuses.stream()
        .filter(s -> s.path("sha").asText().equals(sha) && s.path("name").asText().equals(name))
        .map(s -> s.path("status").asText())
        .toList();
  }

  /** A note someone else wrote on merge request {@code iid}. */
  public synchronized void addNote(long iid, String body) {
    Note n = new Note(nextId++, iid, body);
    notes.put(n.id(), n);
  }

  public synchronized List<Note> notes() {
    return List.copyOf(notes.values());
  }

  public List<byte[]> webhookPosts() {
    return List.copyOf(webhook);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      x.getRequestHeaders()
          .forEach(
              (k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
      String path = x.getRequestURI().getRawPath();
      requests.add(
          new Request(x.getRequestMethod(), path, x.getRequestURI().getRawQuery(), headers, body));
      if (hangMillis > 0) {
        try {
          Thread.sleep(hangMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      int[] fault;
      synchronized (this) {
        fault = faults.poll();
        for (Object[] rule : pathFaults) {
          int[] left = (int[]) rule[1];
          if (fault == null && path.endsWith((String) rule[0]) && left[0]-- == 0) {
            fault = new int[] {(Integer) rule[2], 0};
          }
        }
      }
      if (fault != null) {
        if (fault[1] > 0) {
          x.getResponseHeaders().add("Retry-After", Integer.toString(fault[1]));
        }
        send(x, fault[0], "{\"message\":\"" + fault[0] + " injected by the test\"}");
        return;
      }
      if (path.startsWith("/hooks/")) {
        webhook.add(body);
        send(x, 200, "ok");
        return;
      }
      if (!token.equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
        send(x, 401, "{\"message\":\"401 Unauthorized\"}");
        return;
      }
      Matcher m = PROJECT.matcher(path);
      if (!m.matches()) {
        send(x, 404, "{\"error\":\"404 Not Found\"}");
        return;
      }
      String id = java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
      if (!id.equals(projectId) && !id.equals(projectPath)) {
        send(x, 404, "{\"message\":\"404 Project Not Found\"}");
        return;
      }
      route(x, m.group(2) == null ? "" : m.group(2), body);
    }
  }

  private synchronized void route(HttpExchange x, String rest, byte[] body) throws IOException {
    String method = x.getRequestMethod();
    Matcher m;
    if (rest.isEmpty() && method.equals("GET")) {
      ObjectNode p = Json.MAPPER.createObjectNode();
      p.put("id", Long.parseLong(projectId));
      p.put("path_with_namespace", projectPath);
      p.put("web_url", "https://gitlab.example.com/" + projectPath);
      send(x, 200, p.toString());
    } else if ((m = match("/statuses/([0-9a-f]{40})", rest)) != null && method.equals("POST")) {
      JsonNode in = Json.MAPPER.readTree(body);
      String state = in.path("state").asText();
      if (!STATES.contains(state)) {
        send(x, 400, "{\"error\":\"state does not have a valid value\"}");
        return;
      }
      for (String field : List.of("ref", "target_url", "description")) {
        // "Must be 255 characters or fewer"
        if (in.path(field).asText("").length() > 255) {
          send(x, 400, "{\"error\":\"" + field + " is too long (maximum is 255 characters)\"}");
          return;
        }
      }
      ObjectNode s = Json.MAPPER.createObjectNode();
      s.put("id", nextId++);
      s.put("sha", m.group(1));
      s.put("status", state);
      s.put("name", in.path("name").asText("default"));
      s.put("description", in.path("description").asText(null));
      s.put("target_url", in.path("target_url").asText(null));
      s.put("ref", in.path("ref").asText(null));
      statuses.add(s);
      send(x, 201, s.toString());
    } else if ((m = match("/repository/commits/([0-9a-f]{40})/merge_requests", rest)) != null) {
      ArrayNode list = Json.MAPPER.createArrayNode();
      for (long iid : mergeRequests) {
        list.addObject().put("id", 1000 + iid).put("iid", iid).put("state", "opened");
      }
      send(x, 200, list.toString());
    } else if ((m = match("/merge_requests/(\\d+)/notes", rest)) != null) {
      long iid = Long.parseLong(m.group(1));
      if (method.equals("GET")) {
        listNotes(x, iid);
      } else {
        String text = Json.MAPPER.readTree(body).path("body").asText();
        if (!tooLong(x, text)) {
          Note n = new Note(nextId++, iid, text);
          notes.put(n.id(), n);
          send(x, 201, noteJson(n).toString());
        }
      }
    } else if ((m = match("/merge_requests/(\\d+)/notes/(\\d+)", rest)) != null
        && method.equals("PUT")) {
      Note old = notes.get(Long.parseLong(m.group(2)));
      String text = Json.MAPPER.readTree(body).path("body").asText();
      if (old == null) {
        send(x, 404, "{\"message\":\"404 Note Not Found\"}");
      } else if (!tooLong(x, text)) {
        Note n = new Note(old.id(), old.iid(), text);
        notes.put(n.id(), n);
        send(x, 200, noteJson(n).toString());
      }
    } else if (rest.equals("/uploads") && method.equals("POST")) {
      upload(x, body);
    } else {
      send(x, 404, "{\"error\":\"404 Not Found\"}");
    }
  }

  private void listNotes(HttpExchange x, long iid) throws IOException {
    Map<String, String> q = query(x.getRequestURI().getRawQuery());
    int perPage = Integer.parseInt(q.getOrDefault("per_page", "20"));
    int page = Integer.parseInt(q.getOrDefault("page", "1"));
    List<Note> all = notes.values().stream().filter(n -> n.iid() == iid).toList();
    ArrayNode list = Json.MAPPER.createArrayNode();
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(all.size(), from + perPage); i++) {
      list.add(noteJson(all.get(i)));
    }
    x.getResponseHeaders()
        .add("X-Next-Page", from + perPage < all.size() ? Integer.toString(page + 1) : "");
    send(x, 200, list.toString());
  }

  private void upload(HttpExchange x, byte[] body) throws IOException {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    String text = new String(body, StandardCharsets.ISO_8859_1);
    Matcher name =
        Pattern.compile("Content-Disposition: form-data; name=\"file\"; filename=\"([^\"]+)\"")
            .matcher(text);
    if (type == null || !type.startsWith("multipart/form-data; boundary=") || !name.find()) {
      send(x, 400, "{\"error\":\"file is missing\"}");
      return;
    }
    String secret = String.format("%032x", nextId++);
    String url = "/uploads/" + secret + "/" + name.group(1);
    String alt = name.group(1).replaceAll("\\.[^.]*$", "");
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("id", nextId++);
    r.put("alt", alt);
    r.put("url", url);
    r.put("full_path", "/-/project/" + projectId + url);
    r.put("markdown", "![" + alt + "](" + url + ")");
    send(x, 201, r.toString());
  }

  private boolean tooLong(HttpExchange x, String text) throws IOException {
    if (text.isEmpty() || text.length() > 1_000_000) {
      send(x, 400, "{\"message\":{\"note\":[\"is too long (maximum is 1000000 characters)\"]}}");
      return true;
    }
    return false;
  }

  private static ObjectNode noteJson(Note n) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", n.id());
    o.put("body", n.body());
    o.put("system", false);
    o.put("noteable_iid", n.iid());
    return o;
  }

  private static Matcher match(String regex, String rest) {
    Matcher m = Pattern.compile("^" + regex + "$").matcher(rest);
    return m.matches() ? m : null;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        String[] p = kv.split("=", 2);
        q.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    return q;
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
