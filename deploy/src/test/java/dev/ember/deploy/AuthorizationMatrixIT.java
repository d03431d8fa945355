package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The authorization matrix against a real Keystone: every route of the route table ({@code docs/policy.md}, which
 * {@code RoutePoliciesTest} generates from the handlers' {@code @Authorize}, so a new route is in the matrix the
 * moment it exists) is called by each persona of project B (admin, member, reader, and a user with only a role no
 * Cinder rule names), and by members and readers of project A on B's resources:
 * <ul>
 * <li>the admin is never refused; a member is refused exactly the admin rules; a reader the admin and member
 * rules; the role-less user every route with a rule. A route without a rule lets every persona in;</li>
 * <li>A's members and readers get 404 (not 403) for each of B's resources, and B's ids appear in none of their
 * lists, with or without {@code all_tenants};</li>
 * <li>admin-only fields are hidden from the others; a policy file changed while running changes a rule;</li>
 * <li>an attachment connected to a server cannot be deleted by its project's member, only with Nova's service
 * token (CINDER-FACTS §1.7).</li>
 * </ul>
 * The persona calls use ids that do not exist: policy is checked before the lookup, so an allowed call answers
 * 400 or 404 and nothing is changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path POLICY_DOC = Path.of("..", "docs", "policy.md");
    private static final String CONNECTOR = "{\"initiator\": \"iqn.1993-08.org.debian:01:matrix\", \"ip\": \"127.0.0.1\", "
            + "\"host\": \"matrix-host\", \"platform\": \"x86_64\", \"os_type\": \"linux\", \"multipath\": false, "
            + "\"mountpoint\": \"/dev/vdb\"}";

    /** One row of docs/policy.md. */
    record Row(String method, String path, String action, String rule, String persona) {
        boolean hasRule() {
            return !rule.equals("none");
        }
    }

    private KeystoneServer keystone;
    private InJvmCluster cluster;
    private Path policyFile;
    private Http admin;
    private Http memberB;
    private Http readerB;
    private Http observerB;
    private Http memberA;
    private Http readerA;
    private String projectB;
    private String nova;

    @BeforeAll
    void start() throws Exception {
        keystone = KeystoneServer.start();
        policyFile = Files.createTempDirectory("matrix-policy").resolve("policy.yaml");
        cluster = new InJvmCluster(Map.of(
                "cinder.auth-strategy", "keystone",
                "cinder.keystone-authtoken.auth-url", keystone.url() + "/v3",
                "cinder.keystone-authtoken.password", "cinder",
                "cinder.oslo-policy.policy-file", policyFile.toString())).startApi().startScheduler("matrix-node");
        cluster.startVolume("matrix-node", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        Http api = cluster.http().withVersion("3.70");
        admin = api.as(keystone.token("admin", "admin").id());
        KeystoneServer.Token b = keystone.token("member-b", "ember-b");
        projectB = b.projectId();
        memberB = api.as(b.id());
        readerB = api.as(keystone.token("reader-b", "ember-b").id());
        observerB = api.as(keystone.token("observer-b", "ember-b").id());
        memberA = api.as(keystone.token("member-a", "ember-a").id());
        readerA = api.as(keystone.token("reader-a", "ember-a").id());
        nova = keystone.token("nova", "service").id();
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (keystone != null) {
            keystone.close();
        }
    }

    static List<Row> rows() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(POLICY_DOC)) {
            String[] cells = line.split("\\|");
            if (cells.length < 6 || !cells[2].strip().startsWith("`/v3/")) {
                continue;
            }
            rows.add(new Row(cells[1].strip(), unquote(cells[2]), unquote(cells[3]), unquote(cells[4]), cells[5].strip()));
        }
        assertThat(rows).as("rows of docs/policy.md").hasSizeGreaterThan(100);
        return rows;
    }

    private static String unquote(String cell) {
        return cell.strip().replace("`", "");
    }

    /** The route with ids that do not exist, and a body naming its action (or an empty object). */
    private Http.Response call(Http who, Row row) {
        String path = row.path()
                .replace("{project}", projectB).replace("{className}", "default").replace("{key}", "k")
                .replace("{host}", "nohost").replace("{name}", "nocluster")
                .replace("{action}", row.path().startsWith("/v3/os-services") ? row.action() : "enable")
                .replace("{id}", UUID.randomUUID().toString());
        String body = row.method().equals("POST") || row.method().equals("PUT")
                ? row.action().isEmpty() || row.path().startsWith("/v3/os-services") ? "{}" : "{\"" + row.action() + "\": {}}"
                : null;
        return who.send(row.method(), path, body, body == null ? Map.of() : Map.of("Content-Type", "application/json"));
    }

    @Test
    void everyRouteRefusesExactlyThePersonasItsRuleLeavesOut() throws Exception {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Row row : rows()) {
            Map<String, Boolean> expectRefused = Map.of(
                    "admin", false,
                    "member", row.persona().equals("admin"),
                    "reader", row.persona().equals("admin") || row.persona().equals("member"),
                    "observer", row.hasRule());
            Map<String, Http> personas = Map.of("admin", admin, "member", memberB, "reader", readerB, "observer", observerB);
            for (var persona : personas.entrySet()) {
                Http.Response r = call(persona.getValue(), row);
                calls++;
                boolean refused = r.status() == 403;
                if (refused != expectRefused.get(persona.getKey()) || r.status() == 401 || r.status() >= 500) {
                    wrong.add(persona.getKey() + " " + row + " -> " + r.status() + " " + r.body());
                }
                if (refused) {
                    assertThat(r.body()).as(row.toString()).contains("\"forbidden\"").contains("Policy doesn't allow");
                }
            }
        }
        assertThat(wrong).as(calls + " calls").isEmpty();
    }

    @Test
    void anotherProjectsResourcesAre404AndAbsentFromLists() {
        String volume = createVolume(memberB, "matrix-b");
        String snapshot = memberB.post("/v3/snapshots", "{\"snapshot\": {\"volume_id\": \"" + volume + "\"}}")
                .json().get("snapshot").get("id").asString();
        Await.until("snapshot available", WAIT, () -> memberB.get("/v3/snapshots/" + snapshot).body().contains("\"available\""));
        String attachment = memberB.post("/v3/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"instance_uuid\": \"" + UUID.randomUUID() + "\"}}").json().get("attachment").get("id").asString();
        List<String> items = List.of("/v3/volumes/" + volume, "/v3/volumes/" + volume + "/metadata",
                "/v3/snapshots/" + snapshot, "/v3/snapshots/" + snapshot + "/metadata", "/v3/attachments/" + attachment);
        for (Http other : List.of(memberA, readerA)) {
            for (String item : items) {
                assertThat(other.get(item).status()).as("GET " + item).isEqualTo(404);
            }
            for (String list : List.of("/v3/volumes", "/v3/volumes/detail", "/v3/snapshots/detail", "/v3/attachments",
                    "/v3/volumes/detail?all_tenants=1", "/v3/snapshots?all_tenants=True", "/v3/attachments?all_tenants=1")) {
                Http.Response r = other.get(list);
                assertThat(r.status()).as(list).isEqualTo(200);
                assertThat(r.body()).as(list).doesNotContain(volume).doesNotContain(snapshot).doesNotContain(attachment);
            }
        }
        assertThat(memberA.put("/v3/volumes/" + volume, "{\"volume\": {\"name\": \"mine\"}}").status()).isEqualTo(404);
        assertThat(memberA.post("/v3/volumes/" + volume + "/action", "{\"os-extend\": {\"new_size\": 2}}").status())
                .isEqualTo(404);
        assertThat(memberA.delete("/v3/attachments/" + attachment).status()).isEqualTo(404);
        assertThat(memberA.delete("/v3/snapshots/" + snapshot).status()).isEqualTo(404);
        assertThat(memberA.delete("/v3/volumes/" + volume).status()).isEqualTo(404);
        assertThat(admin.get("/v3/volumes/detail?all_tenants=1").body()).as("the admin sees it").contains(volume);
        assertThat(memberB.get("/v3/volumes/" + volume).json().get("volume").get("name").asString()).isEqualTo("matrix-b");
        assertThat(readerB.put("/v3/volumes/" + volume, "{\"volume\": {\"name\": \"x\"}}").status()).isEqualTo(403);
        assertThat(memberB.put("/v3/volumes/" + volume, "{\"volume\": {\"name\": \"renamed\"}}").status()).isEqualTo(200);
    }

    @Test
    void adminOnlyFieldsAreHiddenFromTheOthers() {
        String volume = createVolume(memberB, "matrix-fields");
        var asReader = readerB.get("/v3/volumes/" + volume).json().get("volume");
        assertThat(asReader.has("os-vol-host-attr:host")).isFalse();
        assertThat(asReader.has("os-vol-mig-status-attr:migstat")).isFalse();
        assertThat(asReader.get("os-vol-tenant-attr:tenant_id").asString())
                .as("Cinder's default shows the project to its readers").isEqualTo(projectB);
        var asAdmin = admin.get("/v3/volumes/" + volume).json().get("volume");
        assertThat(asAdmin.get("os-vol-host-attr:host").asString()).startsWith("matrix-node@fake");
        assertThat(asAdmin.has("os-vol-mig-status-attr:migstat")).isTrue();
    }

    @Test
    void aPolicyFileChangedWhileRunningChangesTheRule() throws Exception {
        String body = "{\"volume\": {\"size\": 1, \"name\": \"by-policy\"}}";
        Files.writeString(policyFile, "\"volume:create\": \"rule:admin_api\"\n");
        Await.until("the override applies", WAIT, () -> memberB.post("/v3/volumes", "{}").status() == 403);
        assertThat(memberB.post("/v3/volumes", body).body()).contains("Policy doesn't allow volume:create to be performed.");
        Files.delete(policyFile);
        Await.until("the default is back", WAIT, () -> memberB.post("/v3/volumes", "{}").status() == 400);
    }

    @Test
    void onlyNovasServiceTokenDeletesAConnectedAttachment() {
        String volume = createVolume(memberB, "matrix-attach");
        String server = UUID.randomUUID().toString();
        String attachment = memberB.post("/v3/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volume
                + "\", \"instance_uuid\": \"" + server + "\", \"connector\": " + CONNECTOR + "}}")
                .json().get("attachment").get("id").asString();
        Http.Response refused = memberB.delete("/v3/attachments/" + attachment);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).isEqualTo("{\"conflictingRequest\": {\"code\": 409, \"message\": \"Detach volume from "
                + "instance " + server + " using the Compute API\"}}");
        Http.Response detach = memberB.post("/v3/volumes/" + volume + "/action", "{\"os-detach\": {}}");
        assertThat(detach.status()).as("os-detach is guarded too: " + detach.body()).isEqualTo(409);
        Http.Response byNova = memberB.send("DELETE", "/v3/attachments/" + attachment, null, Map.of("X-Service-Token", nova));
        assertThat(byNova.status()).as(byNova.body()).isEqualTo(200);
        Await.until("volume available again", WAIT,
                () -> memberB.get("/v3/volumes/" + volume).body().contains("\"status\": \"available\""));
    }

    private static String createVolume(Http who, String name) {
        Http.Response created = who.post("/v3/volumes", "{\"volume\": {\"size\": 1, \"name\": \"" + name + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("volume").get("id").asString();
        Await.until(name + " available", WAIT, () -> who.get("/v3/volumes/" + id).body().contains("\"status\": \"available\""));
        return id;
    }
}
