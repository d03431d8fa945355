package dev.ember.deploy;

import dev.ember.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A seeded generator of malformed and hostile requests against every served route (the route table of
 * docs/api-coverage.md, generated from the controllers): bad and empty JSON, huge bodies, deep nesting,
 * wrong types and ranges for each field, unicode edge cases (emoji, NUL, lone surrogates, invalid UTF-8),
 * 2^31−1, 2^63 and other extremes, injection-looking sort keys and filters, odd ids and paths, wrong
 * methods, bad microversions, garbage connectors and concurrent double deletes.
 *
 * <p>Every answer is judged: a 5xx, or an error that is not Cinder's JSON fault shape
 * ({@code {"<fault>": {"message": "...", "code": <status>}}} as {@code application/json}), is a finding.
 * The suite works in a project of its own ({@code hostile}); what its requests created is deleted through
 * the API at the end, and the database rows (every table the API writes) and global settings are compared
 * with what they were before: any difference is a leak.
 */
final class HostileInput {

    static final String PROJECT = "hostile";

    /** One served route: method and path template. */
    record Route(String method, String path) {}

    /** A finding: what was sent and what came back. */
    record Finding(String kind, String request, int status, String body) {
        @Override
        public String toString() {
            return kind + ": " + request + " -> " + status + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    record Report(long seed, int requests, Map<Integer, Integer> statuses, List<Finding> findings, List<String> leaks,
            boolean healthyAfter) {
        long fiveHundreds() {
            return findings.stream().filter(f -> f.kind().equals("5xx")).count();
        }

        long badShapes() {
            return findings.stream().filter(f -> f.kind().equals("not Cinder-shaped")).count();
        }

        long containerPages() {
            return findings.stream().filter(f -> f.kind().equals("container error page")).count();
        }

        /** Findings other than Tomcat's own error pages. */
        List<Finding> serviceFindings() {
            return findings.stream().filter(f -> !f.kind().equals("container error page")).toList();
        }

        String text() {
            StringBuilder s = new StringBuilder(String.format(
                    "hostile input: seed %d, %d requests, %d x 5xx, %d errors not Cinder-shaped, %d Tomcat error pages, "
                    + "%d leaks, API healthy after: %s%n", seed, requests, fiveHundreds(), badShapes(), containerPages(), leaks.size(),
                    healthyAfter));
            s.append("statuses: ").append(new TreeMap<>(statuses)).append('\n');
            serviceFindings().stream().limit(40).forEach(f -> s.append("  - ").append(f).append('\n'));
            leaks.forEach(l -> s.append("  - leak: ").append(l).append('\n'));
            return s.toString();
        }
    }

    /**
     * Rows counted before and after, per table (live rows only where the table soft-deletes). Metadata rows are
     * counted for live owners only: a deleted volume keeps its metadata, as in Cinder, until {@code db purge}.
     */
    static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("volumes", "SELECT COUNT(*) FROM volumes WHERE deleted = FALSE");
        TABLES.put("snapshots", "SELECT COUNT(*) FROM snapshots WHERE deleted = FALSE");
        TABLES.put("attachments", "SELECT COUNT(*) FROM volume_attachment WHERE deleted = FALSE");
        TABLES.put("volume_metadata", "SELECT COUNT(*) FROM volume_metadata m JOIN volumes v ON v.id = m.volume_id"
                + " WHERE v.deleted = FALSE");
        TABLES.put("snapshot_metadata", "SELECT COUNT(*) FROM snapshot_metadata m JOIN snapshots s ON s.id = m.snapshot_id"
                + " WHERE s.deleted = FALSE");
        TABLES.put("volume_types", "SELECT COUNT(*) FROM volume_types");
        TABLES.put("volume_type_extra_specs", "SELECT COUNT(*) FROM volume_type_extra_specs");
        TABLES.put("qos_specs", "SELECT COUNT(*) FROM qos_specs");
        TABLES.put("quotas", "SELECT COUNT(*) FROM quotas");
        TABLES.put("quota_classes", "SELECT COUNT(*) FROM quota_classes");
        TABLES.put("quota_usages", "SELECT COUNT(*) FROM quota_usages WHERE in_use <> 0 OR reserved <> 0");
        TABLES.put("default_volume_types", "SELECT COUNT(*) FROM default_volume_types");
        TABLES.put("services disabled or frozen", "SELECT COUNT(*) FROM services WHERE disabled = TRUE OR frozen = TRUE");
        TABLES.put("pools allocated", "SELECT COALESCE(SUM(allocated_capacity_gb), 0) FROM pools");
        TABLES.put("groups", "SELECT COUNT(*) FROM `groups` WHERE deleted = FALSE");
        TABLES.put("group_snapshots", "SELECT COUNT(*) FROM group_snapshots WHERE deleted = FALSE");
        TABLES.put("transfers", "SELECT COUNT(*) FROM transfers WHERE deleted = FALSE");
        TABLES.put("group_types", "SELECT COUNT(*) FROM group_types");
        TABLES.put("group_type_specs", "SELECT COUNT(*) FROM group_type_specs");
    }

    private static final Pattern ROW = Pattern.compile("^\\| (GET|POST|PUT|DELETE|HEAD|PATCH) \\| `([^`]+)`");
    private static final String[] HUGE_NUMBERS = {"2147483647", "2147483648", "-2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e400", "-0",
            "1.5", "0", "-1", "1E+2", "0.0000001", "99999999999999999999999999999999999999"};
    private static final String[] UNICODE = {"😀", "\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "\\ud83d", "\\u202e\\u0644\\u0627",
            "\\ufeff", "Z̴̡͔̓ā̸l̷g̶o", "\\u0007\\u001b[31m", "ｆｕｌｌｗｉｄｔｈ", "\\uffff", "\\\\", "\\\"", "𝕏𝕐", "名前"};
    private static final String[] INJECTIONS = {"' OR 1=1 --", "name; DROP TABLE volumes", "1) UNION SELECT * FROM services --",
            "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "../../etc/passwd", "%00", "*", "%", "_", "\\",
            "name:asc,id:desc,size:foo", "created_at:desc;--", "(select 1)", "`id`", "id,", ",", ":", "::", "name:"};
    private static final String[] FIELDS = {"size", "name", "description", "metadata", "volume_type", "availability_zone",
            "snapshot_id", "source_volid", "imageRef", "volume_id", "force", "new_size", "connector", "volume_uuid",
            "instance_uuid", "mode", "status", "attach_status", "key", "value", "extra_specs", "is_public",
            "os-volume-type-access:is_public", "specs", "consumer", "volumes", "gigabytes", "snapshots", "host",
            "binary", "disabled_reason", "project", "volume_type_id", "new_type", "migration_policy", "bootable",
            "readonly", "snapshot", "display_name", "multiattach", "scheduler_hints", "group_id", "backup_id",
            "consistencygroup_id", "per_volume_gigabytes", "groups", "backups", "backup_gigabytes", "mountpoint",
            "initiator", "ip", "wwpns", "attachment_id", "cascade", "qos_specs", "access"};
    private static final String[] ROOTS = {"volume", "snapshot", "attachment", "volume_type", "qos_specs", "quota_set",
            "quota_class_set", "metadata", "meta", "extra_specs", "keys", "host", "default_type", "encryption", "os-extend",
            "os-reset_status", "os-force_delete", "os-attach", "os-detach", "os-reserve", "os-unreserve",
            "os-begin_detaching", "os-roll_detaching", "os-initialize_connection", "os-terminate_connection",
            "os-set_bootable", "os-update_readonly_flag", "os-retype", "revert", "os-force_detach", "os-complete",
            "os-update_snapshot_status", "addProjectAccess", "removeProjectAccess", "os-volume_upload_image",
            "os-migrate_volume", "os-unmanage", "os-reimage", "bogus"};
    private static final String[] VERSIONS = {null, null, null, "volume 3.0", "volume 3.27", "volume 3.44", "volume 3.60",
            "volume 3.70", "volume latest", "volume 3.abc", "volume 3.71", "volume 4.0", "volume 2.0", "volume 3.",
            "volume 3.2147483648", "volume 3.-1", "volume", "compute 3.5", "volume 3.5, volume 3.9", "😀", "volume 3.0\u00a0"};

    private final Http http;
    private final String host;
    private final int port;
    private final Random random;
    private final List<Route> routes;
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final List<Finding> findings = new CopyOnWriteArrayList<>();
    private final Map<String, String> fixtures = new HashMap<>();
    private int sent;

    HostileInput(Http base, long seed, List<Route> routes) {
        this.http = base.as("admin:" + PROJECT);
        java.net.URI uri = java.net.URI.create(base.base());
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.random = new Random(seed);
        this.routes = routes;
    }

    /** The served routes, read from the generated route table. */
    static List<Route> servedRoutes(Path coverage) throws IOException {
        List<Route> routes = new ArrayList<>();
        boolean served = false;
        for (String line : Files.readAllLines(coverage)) {
            if (line.startsWith("## ")) {
                served = line.startsWith("## Served");
            }
            Matcher m = ROW.matcher(line);
            if (served && m.find()) {
                routes.add(new Route(m.group(1), m.group(2)));
            }
        }
        return routes;
    }

    /** Creates the suite's own resources: a type, a volume, a snapshot, an attachment and a QoS spec. */
    void createFixtures(java.time.Duration wait) {
        String type = http.post("/v3/" + PROJECT + "/types", "{\"volume_type\": {\"name\": \"hostile-type-" + UUID.randomUUID()
                + "\"}}").json().get("volume_type").get("id").asString();
        fixtures.put("types", type);
        String volume = http.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"hostile-fixture\"}}")
                .json().get("volume").get("id").asString();
        Await.until("fixture volume available", wait, () -> http.get("/v3/" + PROJECT + "/volumes/" + volume).body().contains("\"available\""));
        fixtures.put("volumes", volume);
        String snapshot = http.post("/v3/" + PROJECT + "/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}")
                .json().get("snapshot").get("id").asString();
        Await.until("fixture snapshot available", wait, () -> http.get("/v3/" + PROJECT + "/snapshots/" + snapshot).body().contains("\"available\""));
        fixtures.put("snapshots", snapshot);
        String attachment = http.withVersion("3.44").post("/v3/" + PROJECT + "/attachments", "{\"attachment\": {\"volume_uuid\": \""
                + volume + "\", \"instance_uuid\": \"" + UUID.randomUUID() + "\"}}").json().get("attachment").get("id").asString();
        fixtures.put("attachments", attachment);
        String qos = http.post("/v3/" + PROJECT + "/qos-specs", "{\"qos_specs\": {\"name\": \"hostile-qos-" + UUID.randomUUID()
                + "\", \"consumer\": \"front-end\"}}").json().get("qos_specs").get("id").asString();
        fixtures.put("qos-specs", qos);
        // A group type, an (empty) group with a group snapshot, and a transfer offer of a volume of its own: the
        // routes of groups and transfers get real ids too, and the leak check sees what the run leaves of them.
        Http g = http.withVersion("3.14");
        String groupType = g.post("/v3/" + PROJECT + "/group_types", "{\"group_type\": {\"name\": \"hostile-group-type-"
                + UUID.randomUUID() + "\"}}").json().get("group_type").get("id").asString();
        fixtures.put("group_types", groupType);
        String group = g.post("/v3/" + PROJECT + "/groups", "{\"group\": {\"name\": \"hostile-group\", \"group_type\": \""
                + groupType + "\", \"volume_types\": [\"" + type + "\"]}}").json().get("group").get("id").asString();
        Await.until("fixture group available", wait,
                () -> g.get("/v3/" + PROJECT + "/groups/" + group).body().contains("\"available\""));
        fixtures.put("groups", group);
        String groupSnapshot = g.post("/v3/" + PROJECT + "/group_snapshots", "{\"group_snapshot\": {\"group_id\": \""
                + group + "\"}}").json().get("group_snapshot").get("id").asString();
        Await.until("fixture group snapshot available", wait,
                () -> g.get("/v3/" + PROJECT + "/group_snapshots/" + groupSnapshot).body().contains("\"available\""));
        fixtures.put("group_snapshots", groupSnapshot);
        String offered = http.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"hostile-offered\"}}")
                .json().get("volume").get("id").asString();
        Await.until("fixture volume to offer available", wait,
                () -> http.get("/v3/" + PROJECT + "/volumes/" + offered).body().contains("\"available\""));
        String transfer = http.post("/v3/" + PROJECT + "/volume-transfers", "{\"transfer\": {\"volume_id\": \"" + offered
                + "\"}}").json().get("transfer").get("id").asString();
        fixtures.put("volume-transfers", transfer);
        fixtures.put("os-volume-transfer", transfer);
    }

    /** Sends {@code count} generated requests (a few of them concurrent double deletes). */
    void run(int count) {
        while (sent < count) {
            if (random.nextInt(100) == 0) {
                doubleDelete();
                continue;
            }
            Route route = routes.get(random.nextInt(routes.size()));
            send(route);
        }
    }

    int sent() {
        return sent;
    }

    private void send(Route route) {
        String method = random.nextInt(12) == 0 ? pick("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")
                : route.method();
        String path = path(route);
        String query = route.method().equals("GET") && random.nextInt(2) == 0 ? query() : "";
        Map<String, String> headers = new HashMap<>();
        String version = pick(VERSIONS);
        if (version != null) {
            headers.put("OpenStack-API-Version", version);
        }
        byte[] body = null;
        if (method.equals("POST") || method.equals("PUT") || random.nextInt(20) == 0) {
            body = body(route);
            headers.put("Content-Type", random.nextInt(25) == 0 ? pick("text/plain", "application/xml", "", "application/json; charset=latin1",
                    "multipart/form-data", "application/json;;") : "application/json");
        }
        headers.put("X-Auth-Token", random.nextInt(6) == 0 ? "user:" + PROJECT : "admin:" + PROJECT);
        byte[] payload = body;
        judge(method + " " + path + query + (version == null ? "" : " [" + version + "]"), method,
                () -> raw(method, path + query, headers, payload));
    }

    /** An answer as the raw socket read it. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    static Answer of(Http.Response r) {
        Map<String, String> h = new HashMap<>();
        r.raw().headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
        return new Answer(r.status(), h, r.body());
    }

    /**
     * One request written byte for byte on a socket (no client library would send {@code %zz}, a lone
     * surrogate or a raw NUL), read to the end.
     */
    private Answer raw(String method, String target, Map<String, String> headers, byte[] body) {
        try (java.net.Socket socket = new java.net.Socket(host, port)) {
            socket.setSoTimeout(60_000);
            java.io.ByteArrayOutputStream req = new java.io.ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\nAccept: application/json\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            req.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                req.write(body);
            }
            socket.getOutputStream().write(req.toByteArray());
            socket.getOutputStream().flush();
            byte[] all = socket.getInputStream().readAllBytes();
            return parse(all);
        } catch (IOException e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    private static Answer parse(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            throw new IllegalStateException("no HTTP answer: " + text);
        }
        String[] lines = text.substring(0, split).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> h = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                h.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
        if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int pos = 0;
            while (pos < rest.length) {
                int eol = indexOf(rest, pos);
                if (eol < 0) {
                    break;
                }
                String size = new String(rest, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
                int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
                if (n == 0) {
                    break;
                }
                out.write(rest, eol + 2, Math.min(n, rest.length - eol - 2));
                pos = eol + 2 + n + 2;
            }
            rest = out.toByteArray();
        }
        return new Answer(status, h, new String(rest, StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void judge(String request, String method, Supplier<Answer> call) {
        sent++;
        Answer r;
        try {
            r = call.get();
        } catch (RuntimeException e) {
            findings.add(new Finding("no answer", request, -1, String.valueOf(e.getMessage())));
            return;
        }
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() >= 500) {
            findings.add(new Finding("5xx", request, r.status(), r.body()));
            return;
        }
        if (r.status() >= 400 && !method.equals("HEAD") && !cinderShaped(r)) {
            // Tomcat's own pages (a request line it refuses before any filter runs) are counted apart (none since ContainerFaults shapes them).
            boolean container = r.body().startsWith("<!doctype html") || r.body().startsWith("{\"timestamp\"");
            findings.add(new Finding(container ? "container error page" : "not Cinder-shaped", request, r.status(), r.body()));
        }
    }

    /**
     * {@code {"<fault>": {"message": "...", "code": <status>}}} as application/json, or webob's route-not-found body (golden: route-not-found-404) for a 404.
     */
    static boolean cinderShaped(Answer r) {
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return false;
        }
        try {
            JsonNode body = Json.parse(r.body());
            if (r.status() == 404 && body.path("code").asString("").equals("404 Not Found")
                    && body.path("title").asString("").equals("Not Found") && body.path("message").isString()) {
                return true; // webob's answer for a path no route takes, which is what Cinder's router gives
            }
            if (!body.isObject() || body.size() != 1) {
                return false;
            }
            JsonNode fault = body.iterator().next();
            return fault.isObject() && fault.path("message").isString() && fault.path("code").asInt() == r.status();
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ----- the generator ------------------------------------------------------------------------------------

    private String path(Route route) {
        String template = route.path();
        String prefix;
        if (template.equals("/") || template.startsWith("/healthcheck") || template.equals("/v3/")) {
            prefix = "";
        } else if (template.contains("(project-less)") || template.startsWith("/v3/default-types")) {
            prefix = "";
        } else {
            int dice = random.nextInt(20);
            String project = dice == 0 ? pick("other", "admin", "😀", "%00", "..", "x".repeat(300), "%zz", "")
                    : PROJECT;
            prefix = "/v3/" + project;
        }
        String p = template.replace(" (project-less)", "");
        p = prefix.isEmpty() ? p : prefix + p.substring(3);
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(p);
        int last = 0;
        while (m.find()) {
            out.append(p, last, m.start());
            String before = p.substring(0, m.start());
            out.append(param(m.group(1), before));
            last = m.end();
        }
        out.append(p.substring(last));
        if (random.nextInt(40) == 0) {
            out.append(pick("/", "//", "/..", "/%2e%2e", ";jsessionid=1", "/extra", "%20", ".json", ".xml"));
        }
        return out.toString();
    }

    private String param(String name, String before) {
        String resource = before.replaceAll(".*/v3(/[^/]+)?/([^/]+)/?$", "$2");
        resource = before.replaceAll(".*/([a-z-]+)/$", "$1");
        int dice = random.nextInt(10);
        if (name.equals("id") && dice < 5 && fixtures.containsKey(resource)) {
            return fixtures.get(resource);
        }
        if ((name.equals("project") || name.equals("className")) && dice < 4) {
            // The suite's own project; never the default quota class, which every project shares.
            return name.equals("project") ? PROJECT : "hostile-class";
        }
        if (name.equals("action") && dice < 6) {
            return pick("enable", "disable", "disable-log-reason", "freeze", "thaw", "failover_host", "set-log", "get-log",
                    "bogus");
        }
        if (name.equals("key") && dice < 5) {
            return pick("k", "volume_backend_name", "a b", "%F0%9F%98%80", "x".repeat(300), "%00", "..", "cipher");
        }
        if (dice < 7) {
            return UUID.randomUUID().toString();
        }
        return pick("0", "-1", "2147483648", "9223372036854775808", "%F0%9F%98%80", "%00", "%ff%fe", "%zz", "..", "%2e%2e",
                "%2F", "x".repeat(5000), "null", "'%20OR%201=1", "%ed%a0%80", "detail", "action", UUID.randomUUID() + "x",
                UUID.randomUUID().toString().toUpperCase(), " ", "%20");
    }

    private String query() {
        StringBuilder q = new StringBuilder("?");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                q.append('&');
            }
            String key = pick("sort", "sort_key", "sort_dir", "limit", "offset", "marker", "name", "status", "metadata",
                    "all_tenants", "project_id", "with_count", "created_at", "updated_at", "host", "size", "bootable",
                    "detail", "resource_type", "volume_id", "glance_metadata", "is_public", "availability_zone", "%zz", "😀",
                    "", "name~", "binary", "service", "event_id", "x".repeat(2000));
            String value = pick(random.nextBoolean() ? INJECTIONS : HUGE_NUMBERS);
            if (random.nextInt(4) == 0) {
                value = pick("true", "false", "1", "", "gt:2020-01-01", "lt:yesterday", "gte:9999-99-99", "{\"k\":\"v\"}",
                        "{bad", "asc", "desc", "name:asc", UUID.randomUUID().toString(), "%F0%9F%98%80", "%00", "%ed%a0%80",
                        "%ff");
            }
            q.append(encode(key)).append('=').append(encode(value));
        }
        return q.toString();
    }

    /** Percent-encodes what URI parsing would refuse, keeping deliberate escapes like %zz and %00 as they are. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && "\"<>\\^`{|}#&=+ ".indexOf(c) < 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private byte[] body(Route route) {
        int dice = random.nextInt(100);
        if (dice < 12) {
            return raw();
        }
        String root = guessRoot(route);
        if (random.nextInt(5) == 0) {
            root = pick(ROOTS);
        }
        String inner;
        if (random.nextInt(8) == 0) {
            inner = value(0);
        } else {
            StringBuilder o = new StringBuilder("{");
            int fields = random.nextInt(5);
            for (int i = 0; i < fields; i++) {
                if (i > 0) {
                    o.append(", ");
                }
                String field = random.nextInt(10) == 0 ? pick(UNICODE) : pick(FIELDS);
                o.append('"').append(field).append("\": ").append(fieldValue(field));
            }
            inner = o.append('}').toString();
        }
        return ("{\"" + root + "\": " + inner + "}").getBytes(StandardCharsets.UTF_8);
    }

    private String guessRoot(Route route) {
        String p = route.path();
        if (p.endsWith("/action")) {
            return pick(ROOTS);
        }
        if (p.contains("/metadata")) {
            return p.endsWith("{key}") ? "meta" : "metadata";
        }
        if (p.contains("/extra_specs")) {
            return "extra_specs";
        }
        if (p.contains("/encryption")) {
            return "encryption";
        }
        if (p.contains("/attachments")) {
            return "attachment";
        }
        if (p.contains("/snapshots")) {
            return "snapshot";
        }
        if (p.contains("/qos-specs")) {
            return p.endsWith("delete_keys") ? "keys" : "qos_specs";
        }
        if (p.contains("/types")) {
            return "volume_type";
        }
        if (p.contains("os-quota-sets")) {
            return "quota_set";
        }
        if (p.contains("os-quota-class-sets")) {
            return "quota_class_set";
        }
        if (p.contains("default-types")) {
            return "default_type";
        }
        if (p.contains("os-hosts") || p.contains("os-services")) {
            return "host";
        }
        return "volume";
    }

    private String fieldValue(String field) {
        int dice = random.nextInt(10);
        if (dice < 2 && field.equals("connector")) {
            return pick("{}", "null", "[]", "\"iqn\"", "{\"initiator\": 5}", "{\"host\": \"" + "h".repeat(70_000) + "\"}",
                    "{\"initiator\": \"\\u0000\", \"host\": \"😀\", \"ip\": \"999.1.1.1\", \"multipath\": \"yes\"}",
                    Chaos.CONNECTOR, "{\"wwpns\": [1, 2], \"platform\": {}}");
        }
        if (dice < 3 && (field.equals("volume_id") || field.equals("volume_uuid") || field.equals("snapshot_id")
                || field.equals("source_volid") || field.equals("volume_type") || field.equals("new_type"))) {
            return "\"" + pick(fixtures.getOrDefault("volumes", "x"), fixtures.getOrDefault("snapshots", "x"),
                    fixtures.getOrDefault("types", "x"), UUID.randomUUID().toString()) + "\"";
        }
        if (dice < 3 && field.equals("status")) {
            return "\"" + pick("available", "error", "creating", "in-use", "deleting", "bogus", "AVAILABLE") + "\"";
        }
        return value(0);
    }

    private String value(int depth) {
        int dice = random.nextInt(100);
        if (dice < 20) {
            return pick(HUGE_NUMBERS);
        }
        if (dice < 40) {
            return "\"" + pick(UNICODE) + "\"";
        }
        if (dice < 50) {
            return "\"" + pick(INJECTIONS).replace("\\", "\\\\") + "\"";
        }
        if (dice < 58) {
            return pick("null", "true", "false", "\"\"", "\" \"", "[]", "{}", "\"1\"", "\"abc\"", "1", "2");
        }
        if (dice < 62) {
            return "\"" + "x".repeat(pickInt(256, 1024, 65_536, 300_000)) + "\"";
        }
        if (dice < 70 && depth < 3) {
            return "{\"" + pick(UNICODE) + "\": " + value(depth + 1) + ", \"k\": " + value(depth + 1) + "}";
        }
        if (dice < 76 && depth < 3) {
            return "[" + value(depth + 1) + ", " + value(depth + 1) + "]";
        }
        if (dice < 80) {
            int n = pickInt(65, 1000, 20_000);
            return "[".repeat(n) + "]".repeat(n);
        }
        if (dice < 84) {
            StringBuilder big = new StringBuilder("{");
            int n = pickInt(100, 2000);
            for (int i = 0; i < n; i++) {
                big.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": \"v\"");
            }
            return big.append('}').toString();
        }
        return "\"" + UUID.randomUUID() + "\"";
    }

    private byte[] raw() {
        int dice = random.nextInt(14);
        return switch (dice) {
            case 0 -> new byte[0];
            case 1 -> "{".getBytes(StandardCharsets.UTF_8);
            case 2 -> "{\"volume\": {\"size\": 1,}}".getBytes(StandardCharsets.UTF_8);
            case 3 -> new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'};
            case 4 -> ("\ufeff{\"volume\": {\"size\": 1}}").getBytes(StandardCharsets.UTF_8);
            case 5 -> "null".getBytes(StandardCharsets.UTF_8);
            case 6 -> "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);
            case 7 -> "\"string\"".getBytes(StandardCharsets.UTF_8);
            case 8 -> ("{\"volume\": " + "{\"a\": ".repeat(5000) + "1" + "}".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8);
            case 9 -> ("{\"volume\": {\"name\": \"" + "y".repeat(2_000_000) + "\"}}").getBytes(StandardCharsets.UTF_8);
            case 10 -> "{\"volume\": {\"name\": \"\\x41\"}}".getBytes(StandardCharsets.UTF_8);
            case 11 -> new byte[] {'{', '"', 'v', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
            case 12 -> "{\"volume\": {\"size\": 1}} trailing".getBytes(StandardCharsets.UTF_8);
            default -> "{\"a\": 1, \"a\": 2}".getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Two concurrent deletes of one new volume (or snapshot): one wins, the other gets a clean 4xx. */
    private void doubleDelete() {
        Http.Response created = http.post("/v3/" + PROJECT + "/volumes", "{\"volume\": {\"size\": 1, \"name\": \"hostile-dd\"}}");
        judge("POST /volumes for a double delete", "POST", () -> of(created));
        if (created.status() != 202) {
            return; // e.g. a quota the generator set
        }
        String id = created.json().get("volume").get("id").asString();
        Await.until("double-delete volume settles", java.time.Duration.ofSeconds(30), () -> {
            String b = http.get("/v3/" + PROJECT + "/volumes/" + id).body();
            return b.contains("\"available\"") || b.contains("\"error\"");
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                judge("concurrent DELETE /volumes/" + id, "DELETE", () -> of(http.delete("/v3/" + PROJECT + "/volumes/" + id)));
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        threads.forEach(t -> {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    // ----- leaving the target as found ----------------------------------------------------------------------

    /**
     * Deletes everything in the suite's project (attachments, transfers, group snapshots, snapshots, groups with
     * their volumes, volumes) and the volume types, group types and QoS specs it made, through the API.
     */
    void cleanUp(java.time.Duration wait, java.util.function.Predicate<String> ownType, java.util.function.Predicate<String> ownQos,
            java.util.function.Predicate<String> ownGroupType) {
        Http a = http.withVersion("3.44");
        for (JsonNode at : a.get("/v3/" + PROJECT + "/attachments").json().path("attachments")) {
            a.delete("/v3/" + PROJECT + "/attachments/" + at.get("id").asString());
        }
        // Offers first (a volume awaiting a transfer cannot be deleted), then group snapshots (their snapshots
        // cannot be deleted one by one).
        for (JsonNode t : http.get("/v3/" + PROJECT + "/volume-transfers").json().path("transfers")) {
            http.delete("/v3/" + PROJECT + "/volume-transfers/" + t.get("id").asString());
        }
        Http g = http.withVersion("3.14");
        for (JsonNode gs : g.get("/v3/" + PROJECT + "/group_snapshots").json().path("group_snapshots")) {
            String id = gs.get("id").asString();
            if (g.delete("/v3/" + PROJECT + "/group_snapshots/" + id).status() == 400) {
                g.withVersion("3.19").post("/v3/" + PROJECT + "/group_snapshots/" + id + "/action",
                        "{\"reset_status\": {\"status\": \"available\"}}");
                g.delete("/v3/" + PROJECT + "/group_snapshots/" + id);
            }
        }
        Await.until("group snapshots gone", wait,
                () -> g.get("/v3/" + PROJECT + "/group_snapshots").json().path("group_snapshots").isEmpty());
        for (JsonNode s : http.get("/v3/" + PROJECT + "/snapshots").json().path("snapshots")) {
            String id = s.get("id").asString();
            if (http.delete("/v3/" + PROJECT + "/snapshots/" + id).status() == 400) {
                http.post("/v3/" + PROJECT + "/snapshots/" + id + "/action", "{\"os-force_delete\": {}}");
            }
        }
        Await.until("snapshots gone", wait, () -> http.get("/v3/" + PROJECT + "/snapshots").json().path("snapshots").isEmpty());
        // Groups with their volumes (a volume in a group cannot be deleted on its own).
        Http groups = http.withVersion("3.20");
        for (JsonNode group : groups.get("/v3/" + PROJECT + "/groups").json().path("groups")) {
            String action = "/v3/" + PROJECT + "/groups/" + group.get("id").asString() + "/action";
            String delete = "{\"delete\": {\"delete-volumes\": true}}";
            if (groups.post(action, delete).status() == 400) {
                groups.post(action, "{\"reset_status\": {\"status\": \"available\"}}");
                groups.post(action, delete);
            }
        }
        Await.until("groups gone", wait, () -> g.get("/v3/" + PROJECT + "/groups").json().path("groups").isEmpty());
        for (JsonNode v : http.get("/v3/" + PROJECT + "/volumes").json().path("volumes")) {
            String id = v.get("id").asString();
            if (http.delete("/v3/" + PROJECT + "/volumes/" + id + "?cascade=true").status() == 400) {
                http.post("/v3/" + PROJECT + "/volumes/" + id + "/action", "{\"os-force_delete\": {}}");
            }
        }
        Await.until("volumes gone", wait, () -> http.get("/v3/" + PROJECT + "/volumes").json().path("volumes").isEmpty());
        for (JsonNode t : http.get("/v3/" + PROJECT + "/types?is_public=None").json().path("volume_types")) {
            String id = t.get("id").asString();
            if (ownType.test(id) || id.equals(fixtures.get("types"))) {
                http.delete("/v3/" + PROJECT + "/types/" + id);
            }
        }
        Http gt = http.withVersion("3.11");
        for (JsonNode t : gt.get("/v3/" + PROJECT + "/group_types?is_public=None").json().path("group_types")) {
            String id = t.get("id").asString();
            if (ownGroupType.test(id) || id.equals(fixtures.get("group_types"))) {
                gt.delete("/v3/" + PROJECT + "/group_types/" + id);
            }
        }
        for (JsonNode q : http.get("/v3/" + PROJECT + "/qos-specs").json().path("qos_specs")) {
            String id = q.get("id").asString();
            if (ownQos.test(id) || id.equals(fixtures.get("qos-specs"))) {
                http.get("/v3/" + PROJECT + "/qos-specs/" + id + "/disassociate_all");
                http.delete("/v3/" + PROJECT + "/qos-specs/" + id + "?force=true");
            }
        }
        http.delete("/v3/" + PROJECT + "/os-quota-sets/" + PROJECT);
        http.withVersion("3.62").delete("/v3/default-types/" + PROJECT);
        for (JsonNode m : http.withVersion("3.3").get("/v3/" + PROJECT + "/messages").json().path("messages")) {
            http.withVersion("3.3").delete("/v3/" + PROJECT + "/messages/" + m.get("id").asString());
        }
    }

    Report report(long seed, List<String> leaks, boolean healthy) {
        return new Report(seed, sent, Map.copyOf(statuses), List.copyOf(findings), leaks, healthy);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private int pickInt(int... options) {
        return options[random.nextInt(options.length)];
    }
}
