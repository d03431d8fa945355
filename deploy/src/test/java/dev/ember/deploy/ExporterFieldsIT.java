package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The calls openstack-exporter (exporters/cinder.go) makes through gophercloud answer with every field it reads,
 * in the JSON types gophercloud's structs decode: Go's encoding/json refuses a number for a {@code string} field, a
 * fraction for an {@code int}, and gophercloud parses timestamps as {@code JSONRFC3339MilliNoZ}
 * ({@code 2006-01-02T15:04:05.999999}, no zone). Each check names the exporter metric that reads the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExporterFieldsIT {

    private static final String PROJECT = "ops";
    private static final String OTHER = "tenant-b";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** gophercloud.JSONRFC3339MilliNoZ: Cinder's naive UTC timestamps. */
    private static final Pattern NO_ZONE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?");
    private static final String SERVER = "0b7f6b4e-3c5d-4d6e-9f80-1a2b3c4d5e6f";

    private InJvmCluster cluster;
    private Http admin;
    private String attached;
    private String other;

    /** The Go types of gophercloud's fields, as encoding/json accepts them. */
    private enum Go {
        /** {@code string}: a JSON string, or null (left empty). */
        STRING,
        /** {@code int}/{@code int64}: an integral number. */
        INT,
        /** {@code float64} capacity, parsed by schedulerstats: a number, or the strings infinite/unknown. */
        CAPACITY,
        /** {@code bool}: true/false, or null. */
        BOOL,
        /** {@code JSONRFC3339MilliNoZ}: a naive timestamp string, or null. */
        TIME,
        /** {@code map[string]string}: an object of strings. */
        STRING_MAP,
        /** an object that decodes into a struct. */
        OBJECT,
        /** a slice. */
        ARRAY
    }

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("ops-node");
        cluster.startVolume("ops-node", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get(v3("/scheduler-stats/get_pools")).body().contains("ops-node@fake#fake"));
        attached = create(admin, PROJECT, "{\"volume\": {\"size\": 2, \"name\": \"attached\", \"metadata\": {\"k\": \"v\"}}}");
        Http.Response attachment = admin.withVersion("3.44").post(v3("/attachments"), "{\"attachment\": {\"volume_uuid\": \""
                + attached + "\", \"instance_uuid\": \"" + SERVER + "\", \"connector\": {\"initiator\": "
                + "\"iqn.1993-08.org.debian:01:ops\", \"ip\": \"127.0.0.1\", \"host\": \"compute-1\"}}}");
        assertThat(attachment.status()).as(attachment.body()).isEqualTo(200);
        String attachmentId = attachment.json().get("attachment").get("id").asString();
        assertThat(admin.withVersion("3.44").post(v3("/attachments/" + attachmentId + "/action"), "{\"os-complete\": {}}")
                .status()).isEqualTo(204);
        other = create(cluster.http().as("bob:" + OTHER), OTHER, "{\"volume\": {\"size\": 1, \"name\": \"b1\"}}");
        Http.Response snapshot = cluster.http().as("bob:" + OTHER).post("/v3/" + OTHER + "/snapshots",
                "{\"snapshot\": {\"volume_id\": \"" + other + "\", \"name\": \"b1-snap\"}}");
        assertThat(snapshot.status()).as(snapshot.body()).isEqualTo(202);
        String snapshotId = snapshot.json().get("snapshot").get("id").asString();
        Await.until("snapshot available", WAIT, () -> "available".equals(cluster.http().as("bob:" + OTHER)
                .get("/v3/" + OTHER + "/snapshots/" + snapshotId).json().get("snapshot").get("status").asString()));
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

    private String create(Http as, String project, String body) {
        Http.Response r = as.post("/v3/" + project + "/volumes", body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("volume").get("id").asString();
        Await.until("volume " + id + " available", WAIT, () -> "available".equals(
                as.get("/v3/" + project + "/volumes/" + id).json().get("volume").get("status").asString()));
        return id;
    }

    /** Asserts that {@code node.field} decodes into gophercloud's Go type; returns the field. */
    private static JsonNode decodes(JsonNode node, String field, Go type, String metric) {
        JsonNode value = node.get(field);
        String where = metric + ": " + field + " = " + value;
        assertThat(value).as(where + " (missing)").isNotNull();
        switch (type) {
            case STRING -> assertThat(value.isString() || value.isNull()).as(where).isTrue();
            case INT -> assertThat(value.isIntegralNumber()).as(where).isTrue();
            case CAPACITY -> assertThat(value.isNumber() || (value.isString()
                    && List.of("infinite", "unknown").contains(value.asString()))).as(where).isTrue();
            case BOOL -> assertThat(value.isBoolean() || value.isNull()).as(where).isTrue();
            case TIME -> assertThat(value.isNull() || (value.isString() && NO_ZONE.matcher(value.asString()).matches()))
                    .as(where).isTrue();
            case STRING_MAP -> {
                assertThat(value.isObject()).as(where).isTrue();
                value.properties().forEach(e -> assertThat(e.getValue().isString()).as(where).isTrue());
            }
            case OBJECT -> assertThat(value.isObject()).as(where).isTrue();
            case ARRAY -> assertThat(value.isArray()).as(where).isTrue();
            default -> throw new IllegalArgumentException(type.name());
        }
        return value;
    }

    @Test
    void volumesDetailAllTenantsHasTheVolumeGbAndStatusLabels() {
        // volumes.List(AllTenants) -> GET /volumes/detail?all_tenants=true, pages followed through volumes_links.
        Http.Response r = admin.get(v3("/volumes/detail?all_tenants=true"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode volumes = r.json().get("volumes");
        assertThat(r.json().has("volumes_links")).as("one page: no next link").isFalse();
        List<String> ids = new ArrayList<>();
        volumes.forEach(v -> ids.add(v.get("id").asString()));
        assertThat(ids).as("all tenants' volumes").containsExactlyInAnyOrder(attached, other);
        for (JsonNode v : volumes) {
            String metric = "cinder_volume_gb / cinder_volume_status";
            decodes(v, "id", Go.STRING, metric);
            decodes(v, "name", Go.STRING, metric);
            decodes(v, "status", Go.STRING, metric);
            decodes(v, "size", Go.INT, metric);
            decodes(v, "availability_zone", Go.STRING, metric);
            decodes(v, "bootable", Go.STRING, metric);
            decodes(v, "os-vol-tenant-attr:tenant_id", Go.STRING, metric);
            decodes(v, "user_id", Go.STRING, metric);
            decodes(v, "volume_type", Go.STRING, metric);
            JsonNode attachments = decodes(v, "attachments", Go.ARRAY, metric);
            // The rest of gophercloud's Volume struct must decode too, or the whole page fails.
            decodes(v, "created_at", Go.TIME, "volumes.Volume");
            decodes(v, "updated_at", Go.TIME, "volumes.Volume");
            decodes(v, "description", Go.STRING, "volumes.Volume");
            decodes(v, "snapshot_id", Go.STRING, "volumes.Volume");
            decodes(v, "source_volid", Go.STRING, "volumes.Volume");
            decodes(v, "metadata", Go.STRING_MAP, "volumes.Volume");
            decodes(v, "encrypted", Go.BOOL, "volumes.Volume");
            decodes(v, "multiattach", Go.BOOL, "volumes.Volume");
            decodes(v, "replication_status", Go.STRING, "volumes.Volume");
            decodes(v, "consistencygroup_id", Go.STRING, "volumes.Volume");
            decodes(v, "os-vol-host-attr:host", Go.STRING, "volumes.Volume");
            // The exporter's status index: a status outside its list would be -1.
            assertThat(v.get("status").asString()).isIn("available", "in-use");
            assertThat(v.get("bootable").asString()).isEqualTo("false");
            assertThat(v.get("volume_type").asString()).isEqualTo("__DEFAULT__");
            if (v.get("id").asString().equals(attached)) {
                assertThat(v.get("status").asString()).isEqualTo("in-use");
                assertThat(v.get("os-vol-tenant-attr:tenant_id").asString()).isEqualTo(PROJECT);
                assertThat(v.get("user_id").asString()).isEqualTo("admin");
                assertThat(v.get("size").asInt()).isEqualTo(2);
                assertThat(attachments).hasSize(1);
                JsonNode a = attachments.get(0);
                assertThat(decodes(a, "server_id", Go.STRING, "volume_gb server_id").asString()).isEqualTo(SERVER);
                decodes(a, "attachment_id", Go.STRING, "volumes.Attachment");
                decodes(a, "attached_at", Go.TIME, "volumes.Attachment");
                decodes(a, "host_name", Go.STRING, "volumes.Attachment");
                decodes(a, "device", Go.STRING, "volumes.Attachment");
                decodes(a, "volume_id", Go.STRING, "volumes.Attachment");
            } else {
                assertThat(v.get("os-vol-tenant-attr:tenant_id").asString()).isEqualTo(OTHER);
                assertThat(v.get("user_id").asString()).isEqualTo("bob");
                assertThat(attachments).isEmpty();
            }
        }
        // The exporter's TenantID mode: GET /volumes/detail?project_id=... (gophercloud's TenantID option).
        JsonNode one = admin.get(v3("/volumes/detail?all_tenants=true&project_id=" + OTHER)).json().get("volumes");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).get("id").asString()).isEqualTo(other);
    }

    @Test
    void snapshotsAllTenantsCount() {
        // snapshots.List(AllTenants) -> GET /snapshots?all_tenants=true (not detail).
        Http.Response r = admin.get(v3("/snapshots?all_tenants=true"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode snapshots = r.json().get("snapshots");
        assertThat(snapshots).as("cinder_snapshots counts every tenant's").hasSize(1);
        JsonNode s = snapshots.get(0);
        decodes(s, "id", Go.STRING, "snapshots.Snapshot");
        decodes(s, "name", Go.STRING, "snapshots.Snapshot");
        decodes(s, "description", Go.STRING, "snapshots.Snapshot");
        decodes(s, "volume_id", Go.STRING, "snapshots.Snapshot");
        decodes(s, "status", Go.STRING, "snapshots.Snapshot");
        decodes(s, "size", Go.INT, "snapshots.Snapshot");
        decodes(s, "metadata", Go.STRING_MAP, "snapshots.Snapshot");
        decodes(s, "created_at", Go.TIME, "snapshots.Snapshot");
        decodes(s, "updated_at", Go.TIME, "snapshots.Snapshot");
        assertThat(s.get("volume_id").asString()).isEqualTo(other);
        assertThat(admin.get(v3("/snapshots")).json().get("snapshots")).as("without all_tenants: the admin's own").isEmpty();
    }

    @Test
    void servicesHaveTheAgentStateLabels() {
        Http.Response r = admin.get(v3("/os-services"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode services = r.json().get("services");
        List<String> binaries = new ArrayList<>();
        for (JsonNode s : services) {
            String metric = "cinder_agent_state";
            binaries.add(decodes(s, "binary", Go.STRING, metric).asString());
            decodes(s, "host", Go.STRING, metric);
            assertThat(decodes(s, "status", Go.STRING, metric).asString()).as("adminState").isEqualTo("enabled");
            assertThat(decodes(s, "state", Go.STRING, metric).asString()).as("1 when up").isEqualTo("up");
            assertThat(decodes(s, "zone", Go.STRING, metric).asString()).isEqualTo("nova");
            decodes(s, "disabled_reason", Go.STRING, metric);
            decodes(s, "updated_at", Go.TIME, "services.Service");
        }
        assertThat(binaries).containsExactlyInAnyOrder("cinder-scheduler", "cinder-volume");
        JsonNode volume = services.get(binaries.indexOf("cinder-volume"));
        assertThat(volume.get("host").asString()).isEqualTo("ops-node@fake");
        decodes(volume, "frozen", Go.BOOL, "services.Service");
        decodes(volume, "replication_status", Go.STRING, "services.Service");
        decodes(volume, "active_backend_id", Go.STRING, "services.Service");
    }

    @Test
    void poolsDetailHasTheCapacityGauges() {
        Http.Response r = admin.get(v3("/scheduler-stats/get_pools?detail=true"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode pools = r.json().get("pools");
        assertThat(pools).hasSize(1);
        JsonNode pool = pools.get(0);
        String metric = "cinder_pool_capacity_free_gb / total_gb";
        assertThat(decodes(pool, "name", Go.STRING, metric).asString()).isEqualTo("ops-node@fake#fake");
        JsonNode capabilities = decodes(pool, "capabilities", Go.OBJECT, metric);
        decodes(capabilities, "free_capacity_gb", Go.CAPACITY, metric);
        decodes(capabilities, "total_capacity_gb", Go.CAPACITY, metric);
        assertThat(decodes(capabilities, "volume_backend_name", Go.STRING, metric).asString()).isEqualTo("fake");
        assertThat(decodes(capabilities, "vendor_name", Go.STRING, metric).asString()).isNotEmpty();
        // The rest of schedulerstats.Capabilities that our backend reports must decode as well.
        Map<String, Go> optional = Map.of("driver_version", Go.STRING, "storage_protocol", Go.STRING,
                "reserved_percentage", Go.INT, "QoS_support", Go.BOOL, "provisioned_capacity_gb", Go.CAPACITY,
                "allocated_capacity_gb", Go.CAPACITY, "thin_provisioning_support", Go.BOOL,
                "thick_provisioning_support", Go.BOOL, "total_volumes", Go.INT, "multiattach", Go.BOOL);
        optional.forEach((field, type) -> {
            if (capabilities.has(field)) {
                decodes(capabilities, field, type, "schedulerstats.Capabilities");
            }
        });
        for (String field : List.of("filter_function", "goodness_function", "location_info")) {
            if (capabilities.has(field)) {
                decodes(capabilities, field, Go.STRING, "schedulerstats.Capabilities");
            }
        }
        if (capabilities.has("max_over_subscription_ratio")) {
            JsonNode ratio = capabilities.get("max_over_subscription_ratio");
            assertThat(ratio.isString() || ratio.isNumber()).as("max_over_subscription_ratio " + ratio).isTrue();
        }
    }

    @Test
    void quotaUsageHasTheLimitsGauges() {
        // quotasets.GetUsage -> GET /os-quota-sets/{project}?usage=true (admin, for every Keystone project).
        Http.Response r = admin.get(v3("/os-quota-sets/" + PROJECT + "?usage=true"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode set = r.json().get("quota_set");
        assertThat(decodes(set, "id", Go.STRING, "quotasets.QuotaUsageSet").asString()).isEqualTo(PROJECT);
        for (String resource : List.of("volumes", "snapshots", "gigabytes", "per_volume_gigabytes", "backups",
                "backup_gigabytes")) {
            JsonNode usage = decodes(set, resource, Go.OBJECT, "quotasets.QuotaUsageSet");
            decodes(usage, "in_use", Go.INT, "quotasets.QuotaUsage " + resource);
            decodes(usage, "limit", Go.INT, "quotasets.QuotaUsage " + resource);
            decodes(usage, "reserved", Go.INT, "quotasets.QuotaUsage " + resource);
        }
        assertThat(set.get("gigabytes").get("limit").asInt()).as("cinder_limits_volume_max_gb").isEqualTo(1000);
        assertThat(set.get("gigabytes").get("in_use").asInt()).as("cinder_limits_volume_used_gb").isEqualTo(2);
        assertThat(set.get("backup_gigabytes").get("limit").asInt()).as("cinder_limits_backup_max_gb").isEqualTo(1000);
        assertThat(set.get("backup_gigabytes").get("in_use").asInt()).as("cinder_limits_backup_used_gb").isZero();
        // Another tenant's usage, read by the admin as the exporter does for each project.
        JsonNode b = admin.get(v3("/os-quota-sets/" + OTHER + "?usage=true")).json().get("quota_set");
        assertThat(b.get("gigabytes").get("in_use").asInt()).as("1 GB volume + its 1 GB snapshot").isEqualTo(2);
        assertThat(b.get("volumes").get("in_use").asInt()).isEqualTo(1);
        assertThat(b.get("snapshots").get("in_use").asInt()).isEqualTo(1);
    }
}
