package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The API answers as Cinder (Zed) does, checked against the captured golden exchanges, over the real
 * roles, MariaDB and RabbitMQ. The volume service is named like the reference ({@code cinder-ref@fake},
 * a noop backend whose pool is {@code fake}), so even host strings compare equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VolumeApiIT {

    private static final String PROJECT = "golden";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop"));
        admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/" + PROJECT + "/scheduler-stats/get_pools").body().contains("cinder-ref@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private JsonNode awaitStatus(Http http, String id, String status) {
        return Await.value("volume " + id + " " + status, WAIT, () -> http.get("/v3/volumes/" + id).json().get("volume"),
                v -> v.get("status").asString().equals(status));
    }

    private String create(Http http, String body) {
        return create(http, PROJECT, body);
    }

    private String create(Http http, String project, String body) {
        Http.Response r = http.post("/v3/" + project + "/volumes", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("volume").get("id").asString();
    }

    @Test
    @Order(1)
    void versionDocumentsMatchCinder() {
        Golden.assertMatches("versions-root", admin.get("/"), PROJECT, Set.of());
        Golden.assertMatches("versions-v3", admin.get("/v3/"), PROJECT, Set.of());
        Golden.assertMatches("versions-v3-latest", admin.withVersion("latest").get("/v3/"), PROJECT, Set.of());
        Http.Response redirect = admin.get("/v3");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).endsWith("/v3/");
    }

    @Test
    @Order(2)
    void volumeLifecycleAnswersMatchCinder() {
        Http.Response created = admin.post(v3("/volumes"),
                "{\"volume\": {\"size\": 1, \"name\": \"golden-v1\", \"description\": \"golden sample\", \"metadata\": {\"k1\": \"v1\"}}}");
        Golden.assertMatches("volume-create@3.0", created, PROJECT, Set.of());
        String v1 = created.json().get("volume").get("id").asString();
        awaitStatus(admin, v1, "available");

        Golden.assertMatches("volume-show@3.0", admin.get(v3("/volumes/" + v1)), PROJECT, Set.of());
        for (String version : new String[] {"3.13", "3.21", "3.48", "3.61", "3.63", "3.65", "3.70"}) {
            Golden.assertMatches("volume-show@" + version, admin.withVersion(version).get(v3("/volumes/" + v1)),
                    PROJECT, Set.of());
        }

        Http.Response created2 = admin.withVersion("3.70").post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"name\": \"golden-v2\"}}");
        Golden.assertMatches("volume-create@3.70", created2, PROJECT, Set.of());
        String v2 = created2.json().get("volume").get("id").asString();
        awaitStatus(admin, v2, "available");

        Golden.assertMatches("volume-list@3.0", admin.withVersion("3.0").get(v3("/volumes")), PROJECT, Set.of());
        Golden.assertMatches("volume-list@3.70", admin.withVersion("3.70").get(v3("/volumes")), PROJECT, Set.of());
        Golden.assertMatches("volume-list-limit1@3.0", admin.get(v3("/volumes?limit=1")), PROJECT, Set.of());
        Golden.assertMatches("volume-list-detail-limit1@3.70", admin.withVersion("3.70").get(v3("/volumes/detail?limit=1")),
                PROJECT, Set.of());
        Golden.assertMatches("volume-list-with-count@3.45", admin.withVersion("3.45").get(v3("/volumes?with_count=true")),
                PROJECT, Set.of());
        Golden.assertMatches("volume-list-detail@3.48", admin.withVersion("3.48").get(v3("/volumes/detail")),
                PROJECT, Set.of());
        Golden.assertMatches("volume-list-filter-name@3.70", admin.withVersion("3.70").get(v3("/volumes?name=golden-v1")),
                PROJECT, Set.of());

        Golden.assertMatches("volume-update@3.0", admin.put(v3("/volumes/" + v1),
                "{\"volume\": {\"name\": \"golden-v1b\", \"description\": \"updated\"}}"), PROJECT, Set.of());
        Golden.assertMatches("volume-update@3.70", admin.withVersion("3.70").put(v3("/volumes/" + v1),
                "{\"volume\": {\"description\": null}}"), PROJECT, Set.of());
        admin.put(v3("/volumes/" + v1), "{\"volume\": {\"metadata\": {\"k1\": \"v1y\"}}}");
        Golden.assertMatches("volume-show-project-less@3.70", admin.withVersion("3.70").get("/v3/volumes/" + v1),
                PROJECT, Set.of());

        Golden.assertMatches("volume-delete@3.0", admin.delete(v3("/volumes/" + v1)), PROJECT, Set.of());
        Await.until("v1 gone", WAIT, () -> admin.get(v3("/volumes/" + v1)).status() == 404);
        Http.Response gone = admin.get(v3("/volumes/" + v1));
        assertThat(gone.json().get("itemNotFound").get("message").asString()).isEqualTo("Volume " + v1 + " could not be found.");
        admin.delete(v3("/volumes/" + v2));
        Golden.assertMatches("volume-show-missing-404@3.0", admin.get(v3("/volumes/00000000-0000-0000-0000-000000000005")),
                PROJECT, Set.of());
        Golden.assertMatches("volume-show-missing-404@3.70",
                admin.withVersion("3.70").get(v3("/volumes/00000000-0000-0000-0000-000000000005")), PROJECT, Set.of());
    }

    @Test
    @Order(3)
    void errorsMatchCinder() {
        Golden.assertMatches("microversion-bad-400", admin.withVersion("3.abc").get(v3("/volumes")), PROJECT, Set.of());
        Golden.assertMatches("microversion-other-service-400",
                admin.send("GET", v3("/volumes"), null, Map.of("OpenStack-API-Version", "compute 3.70")), PROJECT, Set.of());
        Golden.assertMatches("microversion-too-high-406", admin.withVersion("3.99").get(v3("/volumes")), PROJECT, Set.of());
        Golden.assertMatches("microversion-3.70-ok", cluster.http().as("admin:empty").withVersion("3.70")
                .get("/v3/empty/volumes"), "empty", Set.of());
        Golden.assertMatches("route-not-found-404", admin.withVersion("3.62").get(v3("/default-types")), PROJECT, Set.of());
        Golden.assertMatches("volume-create-bad-json-400", admin.post(v3("/volumes"), "{not json"), PROJECT, Set.of());
        Golden.assertMatches("volume-create-bad-size-400@3.0", admin.post(v3("/volumes"), "{\"volume\": {\"size\": \"abc\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("volume-create-bad-size-400@3.70",
                admin.withVersion("3.70").post(v3("/volumes"), "{\"volume\": {\"size\": 0}}"), PROJECT, Set.of());
        Golden.assertMatches("volume-create-unknown-key-400@3.70",
                admin.withVersion("3.70").post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"foo\": 1}}"), PROJECT, Set.of());
        String id = create(admin, "{\"volume\": {\"size\": 1}}");
        Golden.assertMatches("volume-update-bad-key-400@3.70",
                admin.withVersion("3.70").put(v3("/volumes/" + id), "{\"volume\": {\"size\": 5}}"), PROJECT, Set.of());
        awaitStatus(admin, id, "available");
        admin.delete(v3("/volumes/" + id));
    }

    @Test
    @Order(4)
    void anUnschedulableVolumeEndsInErrorWithAUserMessage() throws Exception {
        admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-nomatch\", \"extra_specs\": {\"volume_backend_name\": \"nomatch\"}}}");
        Http.Response created = admin.post(v3("/volumes"),
                "{\"volume\": {\"size\": 1, \"name\": \"golden-err\", \"volume_type\": \"golden-nomatch\"}}");
        Golden.assertMatches("volume-create-unschedulable", created, PROJECT, Set.of());
        String id = created.json().get("volume").get("id").asString();
        awaitStatus(admin, id, "error");
        Golden.assertMatches("volume-show-error@3.70", admin.withVersion("3.70").get(v3("/volumes/" + id)), PROJECT, Set.of());
        try (var c = cluster.database().connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT event_id, message_level FROM messages WHERE resource_uuid = '" + id + "'")) {
            assertThat(rs.next()).as("a user message explains the error").isTrue();
            assertThat(rs.getString(1)).isEqualTo("VOLUME_VOLUME_001_003");
            assertThat(rs.getString(2)).isEqualTo("ERROR");
        }
        Golden.assertMatches("volume-delete-error", admin.delete(v3("/volumes/" + id)), PROJECT, Set.of());
        Await.until("error volume gone", WAIT, () -> admin.get(v3("/volumes/" + id)).status() == 404);
    }

    @Test
    @Order(5)
    void servicesZonesAndPoolsMatchCinder() {
        JsonNode services = admin.get(v3("/os-services")).json().get("services");
        Golden.assertNodeMatches("os-services@3.0", "services[0]", services.get(0), PROJECT, Set.of());
        Golden.assertNodeMatches("os-services@3.0", "services[1]", services.get(1), PROJECT, Set.of());
        JsonNode services370 = admin.withVersion("3.70").get(v3("/os-services")).json().get("services");
        Golden.assertNodeMatches("os-services@3.70", "services[0]", services370.get(0), PROJECT, Set.of());
        Golden.assertNodeMatches("os-services@3.70", "services[1]", services370.get(1), PROJECT, Set.of());
        Golden.assertMatches("os-availability-zone", admin.get(v3("/os-availability-zone")), PROJECT, Set.of());
        JsonNode pools = admin.get(v3("/scheduler-stats/get_pools")).json().get("pools");
        Golden.assertNodeMatches("scheduler-stats-get_pools", "pools[0]", pools.get(0), PROJECT, Set.of());
        JsonNode detail = admin.get(v3("/scheduler-stats/get_pools?detail=true")).json().get("pools").get(0);
        assertThat(detail.get("name").asString()).isEqualTo("cinder-ref@fake#fake");
        for (String key : new String[] {"pool_name", "total_capacity_gb", "free_capacity_gb", "allocated_capacity_gb",
                "reserved_percentage", "max_over_subscription_ratio", "thin_provisioning_support",
                "thick_provisioning_support", "volume_backend_name", "storage_protocol", "vendor_name",
                "driver_version", "timestamp", "QoS_support", "filter_function", "goodness_function"}) {
            assertThat(detail.get("capabilities").has(key)).as("capability " + key).isTrue();
        }
    }

    @Test
    @Order(6)
    void volumeTypesMatchCinder() {
        Set<String> qosFree = Set.of();
        Http.Response t1 = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t1\", \"description\": \"golden type\", \"extra_specs\": {\"volume_backend_name\": \"fake\"}}}");
        Golden.assertMatches("type-create-public", t1, PROJECT, qosFree);
        String t1Id = t1.json().get("volume_type").get("id").asString();
        Golden.assertMatches("type-create-duplicate-409", admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t1\"}}"),
                PROJECT, qosFree);
        Golden.assertMatches("type-show@3.0", admin.get(v3("/types/" + t1Id)), PROJECT, qosFree);
        Golden.assertMatches("type-show@3.70", admin.withVersion("3.70").get(v3("/types/" + t1Id)), PROJECT, qosFree);
        Http.Response t2 = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t2\", \"os-volume-type-access:is_public\": false, \"extra_specs\": {\"volume_backend_name\": \"fake\"}}}");
        Golden.assertMatches("type-create-private", t2, PROJECT, qosFree);
        String t2Id = t2.json().get("volume_type").get("id").asString();
        JsonNode list = admin.get(v3("/types")).json().get("volume_types");
        assertThat(list.toString()).doesNotContain("golden-t2");
        Golden.assertNodeMatches("type-list", "volume_types[0]", list.get(0), PROJECT, qosFree);
        Golden.assertNodeMatches("type-list", "volume_types[2]", list.get(list.size() - 1), PROJECT, qosFree);
        assertThat(admin.get(v3("/types?is_public=None")).body()).contains("golden-t2");

        Golden.assertMatches("type-extra-specs-create", admin.post(v3("/types/" + t1Id + "/extra_specs"),
                "{\"extra_specs\": {\"golden:k\": \"v\"}}"), PROJECT, qosFree);
        Golden.assertMatches("type-extra-specs-show", admin.get(v3("/types/" + t1Id + "/extra_specs/golden:k")), PROJECT, qosFree);
        Golden.assertMatches("type-extra-specs-update", admin.put(v3("/types/" + t1Id + "/extra_specs/golden:k"),
                "{\"golden:k\": \"v2\"}"), PROJECT, qosFree);
        Golden.assertMatches("type-extra-specs-delete", admin.delete(v3("/types/" + t1Id + "/extra_specs/golden:k")),
                PROJECT, qosFree);
        Golden.assertMatches("type-extra-specs-list", admin.get(v3("/types/" + t1Id + "/extra_specs")), PROJECT, qosFree);
        Golden.assertMatches("type-update", admin.put(v3("/types/" + t1Id),
                "{\"volume_type\": {\"description\": \"golden type v2\"}}"), PROJECT, qosFree);
        Golden.assertMatches("type-show-default", admin.get(v3("/types/default")), PROJECT, qosFree);

        String id = create(admin, "{\"volume\": {\"size\": 1, \"volume_type\": \"golden-t1\"}}");
        Golden.assertMatches("type-delete-in-use-400", admin.delete(v3("/types/" + t1Id)), PROJECT, qosFree);
        Golden.assertMatches("type-delete", admin.delete(v3("/types/" + t2Id)), PROJECT, qosFree);
        awaitStatus(admin, id, "available");
        admin.delete(v3("/volumes/" + id));
    }

    @Test
    @Order(7)
    void projectsAreIsolatedAndAdminApisRefuseMembers() {
        Http demo = cluster.http().as("demo:demo");
        String mine = create(admin, "{\"volume\": {\"size\": 1, \"name\": \"admins\"}}");
        assertThat(demo.get("/v3/demo/volumes/" + mine).status()).isEqualTo(404);
        String theirs = create(demo, "demo", "{\"volume\": {\"size\": 1, \"name\": \"demos\"}}");
        assertThat(demo.get("/v3/demo/volumes").body()).contains(theirs).doesNotContain(mine);
        assertThat(demo.get("/v3/demo/volumes?all_tenants=1").body()).doesNotContain(mine);
        assertThat(admin.get(v3("/volumes?all_tenants=1")).body()).contains(theirs).contains(mine);
        Http.Response forbidden = demo.post("/v3/demo/types", "{\"volume_type\": {\"name\": \"x\"}}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body()).isEqualTo("{\"forbidden\": {\"code\": 403, \"message\": \"Policy doesn't allow volume_extension:type_create to be performed.\"}}");
        assertThat(demo.get("/v3/admin/volumes").status()).as("another project's URL").isEqualTo(400);
        awaitStatus(demo, theirs, "available");
        demo.delete("/v3/demo/volumes/" + theirs);
        awaitStatus(admin, mine, "available");
        admin.delete(v3("/volumes/" + mine));
    }
    /**
     * A create sent again with the same {@code Idempotency-Key} (a client that lost the answer) makes nothing
     * new and returns the first volume, also when the retries race; the key with another body, a malformed key
     * and a key whose volume is gone are clean 409s and 400s; other projects have keys of their own.
     */
    @Test
    @Order(8)
    void createsSentAgainWithTheSameIdempotencyKeyMakeOneVolume() throws Exception {
        String key = "retry-" + java.util.UUID.randomUUID();
        String body = "{\"volume\": {\"size\": 1, \"name\": \"idempotent\"}}";
        Map<String, String> headers = Map.of("Idempotency-Key", key);
        java.util.List<java.util.concurrent.Future<Http.Response>> sent = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        for (int i = 0; i < 8; i++) {
            sent.add(pool.submit(() -> admin.post(v3("/volumes"), body, headers)));
        }
        pool.shutdown();
        Set<String> ids = new java.util.HashSet<>();
        for (var f : sent) {
            Http.Response r = f.get();
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
            ids.add(r.json().get("volume").get("id").asString());
        }
        assertThat(ids).as("one volume for eight sends").hasSize(1);
        String id = ids.iterator().next();
        try (var c = cluster.database().connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM volumes WHERE display_name = 'idempotent'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        awaitStatus(admin, id, "available");
        Http.Response again = admin.post(v3("/volumes"), body, headers);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("volume").get("id").asString()).isEqualTo(id);
        assertThat(again.json().get("volume").get("status").asString()).as("the volume as it is now").isEqualTo("available");

        Http.Response other = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 2}}", headers);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.body()).isEqualTo("{\"conflictingRequest\": {\"code\": 409, \"message\": \"Idempotency-Key " + key
                + " was used for another request.\"}}");
        Http.Response malformed = admin.post(v3("/volumes"), body, Map.of("Idempotency-Key", "x".repeat(256)));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("badRequest").get("message").asString()).contains("Idempotency-Key");

        Http demo = cluster.http().as("demo:demo");
        Http.Response theirs = demo.post("/v3/demo/volumes", body, headers);
        assertThat(theirs.status()).isEqualTo(202);
        String theirId = theirs.json().get("volume").get("id").asString();
        assertThat(theirId).as("keys are per project").isNotEqualTo(id);
        awaitStatus(demo, theirId, "available");
        demo.delete("/v3/demo/volumes/" + theirId);

        admin.delete(v3("/volumes/" + id));
        Await.until("volume " + id + " deleted", WAIT, () -> admin.get(v3("/volumes/" + id)).status() == 404);
        Http.Response gone = admin.post(v3("/volumes"), body, headers);
        assertThat(gone.status()).isEqualTo(409);
        assertThat(gone.json().get("conflictingRequest").get("message").asString()).contains("has since been deleted");
    }
}
