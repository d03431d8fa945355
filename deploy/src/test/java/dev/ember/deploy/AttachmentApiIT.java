package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The attachments API and the legacy attach actions answer as Cinder (Zed) does, compared with the captured
 * golden exchanges over the real roles, MariaDB and RabbitMQ. The backend is {@code noop}, so the driver's
 * own connection keys (the reference used Ceph) are exempt; every other key, type and value must match.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachmentApiIT {

    private static final String PROJECT = "golden";
    private static final String INSTANCE = "0b7f6b4e-3c5d-4d6e-9f80-1a2b3c4d5e6f";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONNECTOR = "{\"initiator\": \"iqn.1993-08.org.debian:01:golden\", \"ip\": \"127.0.0.1\", "
            + "\"host\": \"golden-host\", \"platform\": \"x86_64\", \"os_type\": \"linux\", \"multipath\": false, "
            + "\"do_local_attach\": false}";
    /** The driver's connection keys differ from the reference's Ceph ones. */
    private static final Set<String> CONNECTION = Set.of("attachment.connection_info.**");

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

    private String createVolume() {
        String id = admin.post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"name\": \"golden-ceph\"}}").json()
                .get("volume").get("id").asString();
        Await.until("volume " + id + " available", WAIT,
                () -> "available".equals(admin.get(v3("/volumes/" + id)).json().get("volume").get("status").asString()));
        return id;
    }

    private Http.Response reserve(Http http, String volumeId) {
        return http.post(v3("/attachments"), "{\"attachment\": {\"volume_uuid\": \"" + volumeId
                + "\", \"instance_uuid\": \"" + INSTANCE + "\"}}");
    }

    @Test
    void theAttachmentsFlowAnswersAsCinder() {
        Http at44 = admin.withVersion("3.44");
        String volumeId = createVolume();
        Golden.assertMatches("attachment-list@3.26-404", admin.withVersion("3.26").get(v3("/attachments")), PROJECT, Set.of());

        Http.Response reserved = reserve(at44, volumeId);
        Golden.assertMatches("attachment-create-reserve@3.44", reserved, PROJECT, Set.of());
        String id = reserved.json().get("attachment").get("id").asString();
        Golden.assertMatches("volume-show-reserved@3.70", admin.withVersion("3.70").get(v3("/volumes/" + volumeId)),
                PROJECT, Set.of("volume.name", "volume.volume_type", "volume.os-vol-host-attr:host", "volume.volume_type_id"));

        Http.Response updated = at44.put(v3("/attachments/" + id), "{\"attachment\": {\"connector\": "
                + CONNECTOR.replace("}", ", \"mountpoint\": \"/dev/vdb\"}") + "}}");
        Golden.assertMatches("attachment-update-connector@3.44", updated, PROJECT, CONNECTION);
        JsonNode info = updated.json().get("attachment").get("connection_info");
        assertThat(info.get("attachment_id").asString()).isEqualTo(id);
        assertThat(info.get("access_mode").asString()).isEqualTo("rw");
        assertThat(info.has("qos_specs") && info.has("encrypted") && info.has("cacheable")).isTrue();
        Golden.assertMatches("volume-show-attaching@3.70", admin.withVersion("3.70").get(v3("/volumes/" + volumeId)),
                PROJECT, Set.of("volume.name", "volume.volume_type", "volume.os-vol-host-attr:host", "volume.volume_type_id"));

        Golden.assertMatches("attachment-complete@3.43-404", admin.withVersion("3.43").post(v3("/attachments/" + id + "/action"),
                "{\"os-complete\": null}"), PROJECT, Set.of());
        Golden.assertMatches("attachment-complete@3.44", at44.post(v3("/attachments/" + id + "/action"),
                "{\"os-complete\": null}"), PROJECT, Set.of());
        Golden.assertMatches("attachment-show@3.44", at44.get(v3("/attachments/" + id)), PROJECT, CONNECTION);
        Golden.assertMatches("attachment-show@3.70", admin.withVersion("3.70").get(v3("/attachments/" + id)), PROJECT, CONNECTION);
        Golden.assertMatches("attachment-list@3.44", at44.get(v3("/attachments")), PROJECT, Set.of());
        Golden.assertMatches("attachment-list-detail@3.70", admin.withVersion("3.70").get(v3("/attachments/detail")),
                PROJECT, Set.of("attachments[0].connection_info.**"));
        assertThat(admin.get(v3("/volumes/" + volumeId)).json().get("volume").get("status").asString()).isEqualTo("in-use");

        Golden.assertMatches("attachment-delete-connected-service@3.44", at44.delete(v3("/attachments/" + id)), PROJECT,
                Set.of());
        Golden.assertMatches("attachment-show-deleted-404@3.44", at44.get(v3("/attachments/" + id)), PROJECT, Set.of());
        assertThat(admin.get(v3("/volumes/" + volumeId)).json().get("volume").get("status").asString()).isEqualTo("available");
    }

    @Test
    void aReservationWithAConnectorShowsReservedAndTheModeTheRequestNamed() {
        String volumeId = createVolume();
        Http at27 = admin.withVersion("3.27");
        Http.Response created = at27.post(v3("/attachments"), "{\"attachment\": {\"volume_uuid\": \"" + volumeId
                + "\", \"instance_uuid\": \"" + INSTANCE + "\", \"connector\": " + CONNECTOR + "}}");
        Golden.assertMatches("attachment-create-with-connector@3.27", created, PROJECT, CONNECTION);
        String id = created.json().get("attachment").get("id").asString();
        Golden.assertMatches("attachment-show@3.27", at27.get(v3("/attachments/" + id)), PROJECT, CONNECTION);
        Golden.assertMatches("attachment-delete-connected-service@3.27", at27.delete(v3("/attachments/" + id)), PROJECT,
                Set.of());
    }

    @Test
    void theLegacyActionsAnswerAsCinder() {
        String volumeId = createVolume();
        String action = v3("/volumes/" + volumeId + "/action");
        Golden.assertMatches("legacy-os-reserve", admin.post(action, "{\"os-reserve\": null}"), PROJECT, Set.of());
        Golden.assertMatches("legacy-os-initialize_connection", admin.post(action,
                "{\"os-initialize_connection\": {\"connector\": " + CONNECTOR + "}}"), PROJECT, Set.of("connection_info.driver_volume_type",
                "connection_info.data.**"));
        Golden.assertMatches("legacy-os-attach", admin.post(action, "{\"os-attach\": {\"instance_uuid\": \"" + INSTANCE
                + "\", \"mountpoint\": \"/dev/vdb\", \"mode\": \"rw\"}}"), PROJECT, Set.of());
        Http.Response shown = admin.get(v3("/volumes/" + volumeId));
        Golden.assertMatches("legacy-volume-show-in-use@3.0", shown, PROJECT,
                Set.of("volume.name", "volume.volume_type", "volume.os-vol-host-attr:host"));
        String attachment = shown.json().get("volume").get("attachments").get(0).get("attachment_id").asString();
        Golden.assertMatches("legacy-attachment-show@3.27", admin.withVersion("3.27").get(v3("/attachments/" + attachment)),
                PROJECT, Set.of());
        Golden.assertMatches("legacy-os-roll_detaching-wrong-status", admin.post(action, "{\"os-roll_detaching\": null}"),
                PROJECT, Set.of());
        Golden.assertMatches("legacy-os-begin_detaching", admin.post(action, "{\"os-begin_detaching\": null}"), PROJECT,
                Set.of());
        Golden.assertMatches("legacy-os-terminate_connection-service", admin.post(action,
                "{\"os-terminate_connection\": {\"connector\": " + CONNECTOR + "}}"), PROJECT, Set.of());
        Golden.assertMatches("legacy-os-detach", admin.post(action, "{\"os-detach\": {\"attachment_id\": \"" + attachment
                + "\"}}"), PROJECT, Set.of());
        assertThat(admin.get(v3("/volumes/" + volumeId)).json().get("volume").get("status").asString()).isEqualTo("available");
        Golden.assertMatches("legacy-os-unreserve", admin.post(action, "{\"os-unreserve\": null}"), PROJECT, Set.of());
        Golden.assertMatches("action-os-begin_detaching-wrong-status-400", admin.post(action, "{\"os-begin_detaching\": null}"),
                PROJECT, Set.of());
        Golden.assertMatches("action-unknown-400", admin.post(action, "{\"os-frobnicate\": null}"), PROJECT, Set.of());
    }

    @Test
    void badAttachRequestsAreCleanFourHundreds() {
        String volumeId = createVolume();
        Http at44 = admin.withVersion("3.44");
        record Case(String method, String path, String body, int status, String message) {
        }
        String missing = "00000000-0000-0000-0000-00000000beef";
        for (Case c : new Case[] {
                new Case("POST", "/attachments", "{\"attachment\": {}}", 400, "'volume_uuid' is a required property"),
                new Case("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"nope\"}}", 400, "is not a 'uuid'"),
                new Case("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volumeId + "\", \"mode\": \"rw\"}}",
                        400, "Additional properties are not allowed ('mode' was unexpected)"),
                new Case("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"" + missing + "\"}}", 404,
                        "Volume " + missing + " could not be found."),
                new Case("POST", "/attachments", "{\"attachment\": {\"volume_uuid\": \"" + volumeId
                        + "\", \"connector\": {\"ip\": \"127.0.0.1\"}}}", 400, "Connector doesn't have required information: host"),
                new Case("PUT", "/attachments/" + missing, "{\"attachment\": {\"connector\": " + CONNECTOR + "}}", 404,
                        "Volume attachment could not be found with filter: attachment_id = " + missing + "."),
                new Case("PUT", "/attachments/" + missing, "{\"attachment\": {\"connector\": {}}}", 400,
                        "does not have enough properties"),
                new Case("DELETE", "/attachments/" + missing, null, 404, "Volume attachment could not be found"),
                new Case("POST", "/attachments/" + missing + "/action", "{\"os-complete\": null}", 404,
                        "Volume attachment could not be found"),
                new Case("POST", "/attachments/" + missing + "/action", "{\"os-frobnicate\": null}", 400,
                        "There is no such action: os-frobnicate"),
                new Case("GET", "/attachments?sort=nope", null, 400, "Invalid input received: Invalid sort key"),
                new Case("GET", "/attachments?marker=" + missing, null, 404, "Volume attachment could not be found"),
                new Case("POST", "/volumes/" + volumeId + "/action", "{\"os-attach\": {\"instance_uuid\": \"x\", "
                        + "\"mountpoint\": \"/dev/vdb\"}}", 400, "is not a 'uuid'"),
                new Case("POST", "/volumes/" + volumeId + "/action", "{\"os-initialize_connection\": {\"connector\": "
                        + "\"a string\"}}", 400, "Connector doesn't have required information"),
                new Case("POST", "/volumes/" + volumeId + "/action", "{\"os-detach\": {\"attachment_id\": 5}}", 400,
                        "Invalid input for field/attribute attachment_id"),
                new Case("POST", "/volumes/" + volumeId + "/action", "{\"a\": 1, \"b\": 2}", 400, "Malformed request body"),
        }) {
            Http.Response r = at44.send(c.method(), v3(c.path()), c.body(),
                    c.body() == null ? Map.of() : Map.of("Content-Type", "application/json"));
            assertThat(r.status()).as(c.method() + " " + c.path() + " " + c.body() + " -> " + r.body()).isEqualTo(c.status());
            assertThat(r.body()).as(c.method() + " " + c.path()).contains(c.message());
        }
        assertThat(admin.get(v3("/volumes/" + volumeId)).json().get("volume").get("status").asString())
                .as("no bad request touched the volume").isEqualTo("available");
        assertThat(at44.get(v3("/attachments?volume_id=" + volumeId)).json().get("attachments").size()).isZero();
    }
}
