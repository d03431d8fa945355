package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Volume type access, project default types (3.62), encryption (not supported) and QoS specs answer as Cinder
 * (Zed) does, compared with the captured exchanges; private types are usable only by projects given access, and a
 * front-end QoS spec reaches the hypervisor in the attachment's connection info.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TypesAndQosIT {

    private static final String PROJECT = "golden";
    /** A project id in Keystone's form: type access wants a uuid-like project. */
    private static final String OTHER = "5f0b3a7e-9c2d-4e6f-8a1b-2c3d4e5f6a7b";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;
    private String t1;
    private String t2;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get(v3("/scheduler-stats/get_pools")).body().contains("cinder-ref@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private String createType(String body) {
        Http.Response r = admin.post(v3("/types"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("volume_type").get("id").asString();
    }

    @Test
    @Order(1)
    void privateTypesAndAccessAnswerAsCinder() {
        createType("{\"volume_type\": {\"name\": \"ceph\", \"description\": \"reference Cinder: RBD driver on the "
                + "single-node Ceph\", \"extra_specs\": {\"volume_backend_name\": \"ceph\"}}}");
        t1 = createType("{\"volume_type\": {\"name\": \"golden-t1\", \"description\": \"golden type\", \"extra_specs\": "
                + "{\"volume_backend_name\": \"fake\"}}}");
        Http.Response created = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t2\", "
                + "\"os-volume-type-access:is_public\": false, \"extra_specs\": {\"volume_backend_name\": \"fake\"}}}");
        Golden.assertMatches("type-create-private", created, PROJECT, Set.of());
        t2 = created.json().get("volume_type").get("id").asString();
        Golden.assertMatches("type-list", admin.get(v3("/types")), PROJECT, Set.of());
        // Cinder's order of types created in the same second is its database's; compare item by item.
        JsonNode all = admin.get(v3("/types?is_public=None")).json().get("volume_types");
        List<String> names = new ArrayList<>();
        all.forEach(t -> names.add(t.get("name").asString()));
        assertThat(names).containsExactlyInAnyOrder("golden-t1", "golden-t2", "ceph", "__DEFAULT__");
        String[] golden = {"golden-t1", "golden-t2", "ceph", "__DEFAULT__"};
        for (JsonNode t : all) {
            int index = List.of(golden).indexOf(t.get("name").asString());
            Golden.assertNodeMatches("type-list-all-public-none", "volume_types[" + index + "]", t, PROJECT, Set.of());
        }

        Golden.assertMatches("type-access-list-public-404", admin.get(v3("/types/" + t1 + "/os-volume-type-access")),
                PROJECT, Set.of());
        Http other = cluster.http().as("user:" + OTHER);
        assertThat(other.get("/v3/" + OTHER + "/types/" + t2).status()).as("private, no access").isEqualTo(404);
        assertThat(other.post("/v3/" + OTHER + "/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"golden-t2\"}}")
                .status()).isEqualTo(404);
        Golden.assertMatches("type-access-add", admin.post(v3("/types/" + t2 + "/action"),
                "{\"addProjectAccess\": {\"project\": \"" + OTHER + "\"}}"), PROJECT, Set.of());
        Golden.assertMatches("type-access-list", admin.get(v3("/types/" + t2 + "/os-volume-type-access")), PROJECT, Set.of());
        assertThat(admin.post(v3("/types/" + t2 + "/action"), "{\"addProjectAccess\": {\"project\": \"" + OTHER + "\"}}")
                .status()).isEqualTo(409);
        assertThat(admin.post(v3("/types/" + t2 + "/action"), "{\"addProjectAccess\": {\"project\": \"golden2\"}}")
                .json().get("badRequest").get("message").asString()).contains("'golden2' is not a 'uuid'");
        assertThat(other.get("/v3/" + OTHER + "/types/" + t2).status()).isEqualTo(200);
        JsonNode seen = other.get("/v3/" + OTHER + "/types").json().get("volume_types");
        assertThat(seen.toString()).contains("golden-t2");
        Http.Response usable = other.post("/v3/" + OTHER + "/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"golden-t2\"}}");
        assertThat(usable.status()).as(usable.body()).isEqualTo(202);
        assertThat(other.post("/v3/" + OTHER + "/types/" + t2 + "/action", "{\"removeProjectAccess\": {\"project\": \""
                + OTHER + "\"}}").status()).as("admins only").isEqualTo(403);
        Golden.assertMatches("type-access-remove", admin.post(v3("/types/" + t2 + "/action"),
                "{\"removeProjectAccess\": {\"project\": \"" + OTHER + "\"}}"), PROJECT, Set.of());
        assertThat(admin.post(v3("/types/" + t2 + "/action"), "{\"removeProjectAccess\": {\"project\": \"" + OTHER + "\"}}")
                .status()).isEqualTo(404);
        assertThat(admin.post(v3("/types/" + t1 + "/action"), "{\"addProjectAccess\": {\"project\": \"" + OTHER + "\"}}")
                .json().get("badRequest").get("message").asString())
                .isEqualTo("Invalid volume type: Type access modification is not applicable to public volume type.");
    }

    @Test
    @Order(2)
    void qosSpecsAnswerAsCinder() {
        Http.Response created = admin.post(v3("/qos-specs"), "{\"qos_specs\": {\"name\": \"golden-qos\", \"consumer\": "
                + "\"back-end\", \"read_iops_sec\": \"1000\"}}");
        Golden.assertMatches("qos-create", created, PROJECT, Set.of());
        String qos = created.json().get("qos_specs").get("id").asString();
        Golden.assertMatches("qos-list", admin.get(v3("/qos-specs")), PROJECT, Set.of());
        Golden.assertMatches("qos-show", admin.get(v3("/qos-specs/" + qos)), PROJECT, Set.of());
        Golden.assertMatches("qos-set-keys", admin.put(v3("/qos-specs/" + qos), "{\"qos_specs\": {\"write_iops_sec\": \"500\"}}"),
                PROJECT, Set.of());
        Golden.assertMatches("qos-associate", admin.get(v3("/qos-specs/" + qos + "/associate?vol_type_id=" + t1)),
                PROJECT, Set.of());
        Golden.assertMatches("qos-associations", admin.get(v3("/qos-specs/" + qos + "/associations")), PROJECT, Set.of());
        assertThat(admin.put(v3("/types/" + t1), "{\"volume_type\": {\"description\": \"golden type v2\"}}").status())
                .isEqualTo(200);
        Golden.assertMatches("type-show-with-qos@3.70", admin.withVersion("3.70").get(v3("/types/" + t1)), PROJECT, Set.of());
        assertThat(admin.delete(v3("/qos-specs/" + qos)).json().get("badRequest").get("message").asString())
                .isEqualTo("Qos specs still in use.");
        Golden.assertMatches("qos-disassociate", admin.get(v3("/qos-specs/" + qos + "/disassociate?vol_type_id=" + t1)),
                PROJECT, Set.of());
        assertThat(admin.get(v3("/qos-specs/" + qos + "/associate")).json().get("badRequest").get("message").asString())
                .isEqualTo("Volume Type id must not be None.");
        assertThat(admin.post(v3("/qos-specs"), "{\"qos_specs\": {\"name\": \"golden-qos\"}}").status()).isEqualTo(409);
        assertThat(admin.post(v3("/qos-specs"), "{\"qos_specs\": {\"name\": \"x\", \"consumer\": \"middle\"}}")
                .json().get("badRequest").get("message").asString()).startsWith("Invalid qos specs: Valid consumer");
        assertThat(admin.post(v3("/qos-specs"), "{\"qos_specs\": {\"name\": \"  \"}}").json().get("badRequest")
                .get("message").asString()).isEqualTo("An invalid 'name' value was provided. The 'name' can not be empty.");
        assertThat(admin.put(v3("/qos-specs/" + qos + "/delete_keys"), "{\"keys\": [\"write_iops_sec\", \"nope\"]}")
                .status()).isEqualTo(404);
        assertThat(admin.get(v3("/qos-specs/" + qos)).json().get("qos_specs").get("specs").toString())
                .isEqualTo("{\"read_iops_sec\":\"1000\"}");
        assertThat(cluster.http().as("member:" + PROJECT).get(v3("/qos-specs")).status()).isEqualTo(403);
        Golden.assertMatches("qos-delete", admin.delete(v3("/qos-specs/" + qos)), PROJECT, Set.of());
        assertThat(admin.get(v3("/qos-specs/" + qos)).status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void frontEndQosReachesTheConnectionInfo() {
        String qos = admin.post(v3("/qos-specs"), "{\"qos_specs\": {\"name\": \"front\", \"consumer\": \"front-end\", "
                + "\"total_iops_sec_per_gb\": \"100\", \"read_bytes_sec\": \"1048576\"}}").json().get("qos_specs").get("id")
                .asString();
        String type = createType("{\"volume_type\": {\"name\": \"limited\"}}");
        assertThat(admin.get(v3("/qos-specs/" + qos + "/associate?vol_type_id=" + type)).status()).isEqualTo(202);
        Http.Response v = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 3, \"volume_type\": \"limited\"}}");
        String id = v.json().get("volume").get("id").asString();
        Await.until("available", WAIT, () -> "available".equals(
                admin.get(v3("/volumes/" + id)).json().get("volume").get("status").asString()));
        Http.Response attachment = admin.withVersion("3.44").post(v3("/attachments"), "{\"attachment\": {\"volume_uuid\": \""
                + id + "\", \"instance_uuid\": \"0b7f6b4e-3c5d-4d6e-9f80-1a2b3c4d5e6f\", \"connector\": {\"initiator\": "
                + "\"iqn.1993-08.org.debian:01:golden\", \"ip\": \"127.0.0.1\", \"host\": \"golden-host\"}}}");
        assertThat(attachment.status()).as(attachment.body()).isEqualTo(200);
        JsonNode specs = attachment.json().get("attachment").get("connection_info").get("qos_specs");
        assertThat(specs.get("total_iops_sec").asInt()).as("100 per GB of a 3 GB volume").isEqualTo(300);
        assertThat(specs.get("read_bytes_sec").asString()).isEqualTo("1048576");
        // An attached volume cannot leave its front-end QoS by a retype.
        assertThat(admin.withVersion("3.44").post(v3("/attachments/" + attachment.json().get("attachment").get("id")
                .asString() + "/action"), "{\"os-complete\": {}}").status()).isEqualTo(204);
        Http.Response retype = admin.post(v3("/volumes/" + id + "/action"), "{\"os-retype\": {\"new_type\": \"ceph\"}}");
        assertThat(retype.status()).isEqualTo(400);
        assertThat(retype.json().get("badRequest").get("message").asString()).contains("front-end qos specs cannot change");
    }

    @Test
    @Order(4)
    void projectDefaultTypesAnswerAsCinder() {
        Golden.assertMatches("default-type-list@3.62", admin.withVersion("3.62").get("/v3/default-types"), PROJECT, Set.of());
        Golden.assertMatches("default-type-set@3.61-404", admin.withVersion("3.61").put("/v3/default-types/" + PROJECT,
                "{\"default_type\": {\"volume_type\": \"golden-t1\"}}"), PROJECT, Set.of());
        Golden.assertMatches("route-not-found-404", admin.withVersion("3.62").get(v3("/default-types")), PROJECT, Set.of());
        Http at62 = admin.withVersion("3.62");
        Http.Response set = at62.put("/v3/default-types/" + PROJECT, "{\"default_type\": {\"volume_type\": \"golden-t1\"}}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("default_type").get("project_id").asString()).isEqualTo(PROJECT);
        assertThat(set.json().get("default_type").get("volume_type_id").asString()).isEqualTo(t1);
        assertThat(at62.get("/v3/default-types/" + PROJECT).json().get("default_type").get("volume_type_id").asString())
                .isEqualTo(t1);
        assertThat(at62.get("/v3/default-types").json().get("default_types")).hasSize(1);
        Http.Response v = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 1}}");
        assertThat(v.json().get("volume").get("volume_type").asString()).as("the project's default").isEqualTo("golden-t1");
        assertThat(admin.delete(v3("/types/" + t1)).json().get("badRequest").get("message").asString())
                .contains("is a default volume type and cannot be deleted");
        assertThat(at62.put("/v3/default-types/" + PROJECT, "{\"default_type\": {\"volume_type\": \"nope\"}}")
                .status()).isEqualTo(400);
        assertThat(cluster.http().as("member:" + PROJECT).withVersion("3.62").get("/v3/default-types").status())
                .isEqualTo(403);
        assertThat(at62.delete("/v3/default-types/" + PROJECT).status()).isEqualTo(204);
        assertThat(at62.get("/v3/default-types/" + PROJECT).json().get("itemNotFound").get("message").asString())
                .isEqualTo("Default type for project " + PROJECT + " not found.");
        Http.Response plain = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 1}}");
        assertThat(plain.json().get("volume").get("volume_type").asString()).isEqualTo("__DEFAULT__");
    }

    @Test
    @Order(5)
    void encryptionIsNotSupportedAndSaysSo() {
        assertThat(admin.get(v3("/types/" + t1 + "/encryption")).body()).isEqualTo("{}");
        Http.Response create = admin.post(v3("/types/" + t1 + "/encryption"), "{\"encryption\": {\"provider\": \"luks\", "
                + "\"control_location\": \"front-end\"}}");
        assertThat(create.status()).isEqualTo(400);
        assertThat(create.json().get("badRequest").get("message").asString()).contains("not supported");
    }
}
