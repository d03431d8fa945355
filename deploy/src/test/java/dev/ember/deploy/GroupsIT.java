package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.quota.Quotas;
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
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Group types, groups and group snapshots answer as Cinder's (golden comparisons), a group is placed on one pool and
 * its volumes follow it, the generic per-volume work happens on the noop backend (volumes, snapshots, volumes made
 * from a group snapshot or a group), the quota counts groups, and the negative paths answer with Cinder's errors.
 * The openstack CLI drives group types and groups too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PROJECT = "golden";

    private InJvmCluster cluster;
    private Http admin;
    private Http root;
    private String volumeTypeId;

    @BeforeAll
    void start() throws Exception {
        // A short re-drive period, so that the re-drive of groups whose message was lost can be seen.
        cluster = new InJvmCluster(Map.of("cinder.default-group-type", "golden-gt", "cinder.ember.redrive-after", "3"))
                .startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop"));
        admin = cluster.http().as("admin:" + PROJECT);
        root = cluster.http().as("admin:admin");
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/golden/scheduler-stats/get_pools").body().contains("cinder-ref@fake#fake"));
        Http.Response type = admin.post(v3("/types"), "{\"volume_type\": {\"name\": \"golden-t1\"}}");
        assertThat(type.status()).as(type.body()).isEqualTo(200);
        volumeTypeId = type.json().get("volume_type").get("id").asString();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            assertThat(cluster.bean(Quotas.class).drift()).as("quota counters against what exists").isEmpty();
            cluster.close();
        }
    }

    private static String v3(String path) {
        return "/v3/" + PROJECT + path;
    }

    private JdbcTemplate jdbc() {
        return cluster.bean(JdbcTemplate.class);
    }

    private Http at(String version) {
        return admin.withVersion(version);
    }

    private String groupType(String name) {
        Http.Response r = at("3.11").post(v3("/group_types"), "{\"group_type\": {\"name\": \"" + name + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("group_type").get("id").asString();
    }

    private String createGroup(String typeId, String name) {
        Http.Response r = at("3.13").post(v3("/groups"), "{\"group\": {\"name\": \"" + name + "\", \"group_type\": \""
                + typeId + "\", \"volume_types\": [\"" + volumeTypeId + "\"]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("group").get("id").asString();
        awaitGroup(id, "available");
        return id;
    }

    private String groupStatus(String id) {
        Http.Response r = at("3.13").get(v3("/groups/" + id));
        return r.status() == 404 ? "gone" : r.json().get("group").get("status").asString();
    }

    private void awaitGroup(String id, String status) {
        Await.until("group " + id + " " + status, WAIT, () -> status.equals(groupStatus(id)));
    }

    private String createVolume(String groupId) {
        String group = groupId == null ? "" : ", \"group_id\": \"" + groupId + "\"";
        Http.Response r = at("3.13").post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"volume_type\": \"" + volumeTypeId
                + "\"" + group + "}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("volume").get("id").asString();
        Await.until("volume " + id + " available", WAIT, () -> "available".equals(
                admin.get(v3("/volumes/" + id)).json().get("volume").get("status").asString()));
        return id;
    }

    private int inUse(String resource) {
        return root.get("/v3/admin/os-quota-sets/" + PROJECT + "?usage=true").json().get("quota_set").get(resource)
                .get("in_use").asInt();
    }

    @Test
    @Order(1)
    void groupTypesAndGroupsAnswerAsCinder() {
        Golden.assertMatches("group-type-create@3.10-404", at("3.10").post(v3("/group_types"),
                "{\"group_type\": {\"name\": \"x\"}}"), PROJECT, Set.of());
        Http.Response created = at("3.11").post(v3("/group_types"),
                "{\"group_type\": {\"name\": \"golden-gt\", \"description\": \"gt\", \"is_public\": true}}");
        Golden.assertMatches("group-type-create@3.11", created, PROJECT, Set.of());
        String typeId = created.json().get("group_type").get("id").asString();
        Golden.assertMatches("group-type-show@3.11", at("3.11").get(v3("/group_types/" + typeId)), PROJECT, Set.of());
        Golden.assertMatches("group-type-list@3.70", at("3.70").get(v3("/group_types")), PROJECT, Set.of());
        Golden.assertMatches("group-type-specs-create@3.11", at("3.11").post(v3("/group_types/" + typeId + "/group_specs"),
                "{\"group_specs\": {\"golden:gk\": \"gv\"}}"), PROJECT, Set.of());
        assertThat(at("3.11").get(v3("/group_types/" + typeId + "/group_specs/golden:gk")).body())
                .isEqualTo("{\"golden:gk\": \"gv\"}");
        // cinder.default-group-type names it.
        assertThat(at("3.11").get(v3("/group_types/default")).json().get("group_type").get("id").asString())
                .isEqualTo(typeId);

        int groupsBefore = inUse("groups");
        Http.Response group = at("3.13").post(v3("/groups"), "{\"group\": {\"name\": \"golden-g\", \"group_type\": \""
                + typeId + "\", \"volume_types\": [\"" + volumeTypeId + "\"]}}");
        Golden.assertMatches("group-create@3.13", group, PROJECT, Set.of());
        String id = group.json().get("group").get("id").asString();
        awaitGroup(id, "available");
        assertThat(inUse("groups")).isEqualTo(groupsBefore + 1);
        assertThat(jdbc().queryForObject("SELECT host FROM `groups` WHERE id = ?", String.class, id))
                .isEqualTo("cinder-ref@fake#fake");
        for (String version : new String[] {"3.13", "3.20", "3.38", "3.70"}) {
            Golden.assertMatches("group-show@" + version, at(version).get(v3("/groups/" + id)), PROJECT, Set.of());
        }
        Golden.assertMatches("group-list-detail@3.70", at("3.70").get(v3("/groups/detail")), PROJECT, Set.of());
        Golden.assertMatches("group-delete@3.13", at("3.13").post(v3("/groups/" + id + "/action"),
                "{\"delete\": {\"delete-volumes\": false}}"), PROJECT, Set.of());
        Await.until("group deleted", WAIT, () -> "gone".equals(groupStatus(id)));
        assertThat(inUse("groups")).isEqualTo(groupsBefore);
        assertThat(at("3.11").delete(v3("/group_types/" + typeId)).status()).isEqualTo(202);
        assertThat(at("3.11").get(v3("/group_types/default")).status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void volumesFollowTheGroupAndGroupSnapshotsTakeEachVolume() {
        String typeId = groupType("gt-work");
        String groupId = createGroup(typeId, "work");
        String inGroup = createVolume(groupId);
        // 3.13 shows group_id; the volume was placed in the group's pool.
        assertThat(at("3.13").get(v3("/volumes/" + inGroup)).json().get("volume").get("group_id").asString())
                .isEqualTo(groupId);
        assertThat(at("3.12").get(v3("/volumes/" + inGroup)).json().get("volume").has("group_id")).isFalse();
        assertThat(jdbc().queryForObject("SELECT host FROM volumes WHERE id = ?", String.class, inGroup))
                .isEqualTo(jdbc().queryForObject("SELECT host FROM `groups` WHERE id = ?", String.class, groupId));

        // Adding and removing volumes.
        String loose = createVolume(null);
        assertThat(at("3.13").put(v3("/groups/" + groupId), "{\"group\": {\"add_volumes\": \"" + loose + "\"}}").status())
                .isEqualTo(202);
        assertThat(at("3.25").get(v3("/groups/" + groupId + "?list_volume=true")).json().get("group").get("volumes")
                .toString()).contains(inGroup).contains(loose);
        assertThat(at("3.13").put(v3("/groups/" + groupId), "{\"group\": {\"remove_volumes\": \"" + loose
                + "\", \"name\": \"work2\"}}").status()).isEqualTo(202);
        assertThat(jdbc().queryForObject("SELECT group_id FROM volumes WHERE id = ?", String.class, loose)).isNull();
        assertThat(at("3.13").get(v3("/groups/" + groupId)).json().get("group").get("name").asString()).isEqualTo("work2");
        Http.Response notMember = at("3.13").put(v3("/groups/" + groupId), "{\"group\": {\"remove_volumes\": \"" + loose + "\"}}");
        assertThat(notMember.status()).isEqualTo(400);
        assertThat(notMember.body()).contains("Invalid volume: Cannot remove volume " + loose + " from group " + groupId
                + " because it is not in the group.");
        // A volume of a group is deleted only with it.
        Http.Response direct = admin.delete(v3("/volumes/" + inGroup));
        assertThat(direct.status()).isEqualTo(400);

        // A group snapshot: one snapshot per volume, taken by the backend.
        int snapshotsBefore = inUse("snapshots");
        Http.Response gs = at("3.14").post(v3("/group_snapshots"), "{\"group_snapshot\": {\"group_id\": \"" + groupId
                + "\", \"name\": \"gs1\"}}");
        assertThat(gs.status()).as(gs.body()).isEqualTo(202);
        assertThat(gs.json().get("group_snapshot").get("group_type_id").asString()).isEqualTo(typeId);
        String gsId = gs.json().get("group_snapshot").get("id").asString();
        Await.until("group snapshot available", WAIT, () -> "available".equals(
                at("3.14").get(v3("/group_snapshots/" + gsId)).json().get("group_snapshot").get("status").asString()));
        JsonNode shown = at("3.70").get(v3("/group_snapshots/" + gsId)).json().get("group_snapshot");
        assertThat(shown.get("group_id").asString()).isEqualTo(groupId);
        assertThat(shown.get("project_id").asString()).isEqualTo(PROJECT);
        assertThat(inUse("snapshots")).isEqualTo(snapshotsBefore + 1);
        JsonNode snaps = at("3.14").get(v3("/snapshots/detail")).json().get("snapshots");
        assertThat(snaps.toString()).contains(gsId);
        assertThat(at("3.14").get(v3("/group_snapshots")).json().get("group_snapshots").get(0).has("group_type_id")).isFalse();

        // The group cannot go while it has a group snapshot.
        Http.Response busy = at("3.13").post(v3("/groups/" + groupId + "/action"), "{\"delete\": {\"delete-volumes\": true}}");
        assertThat(busy.status()).isEqualTo(400);
        assertThat(busy.body()).contains("Invalid Group: Group has existing snapshots.");

        // New groups from the group snapshot and from the group: each volume made from its source, in the same pool.
        Http.Response fromSnap = at("3.14").post(v3("/groups/action"), "{\"create-from-src\": {\"name\": \"from-gs\", "
                + "\"group_snapshot_id\": \"" + gsId + "\"}}");
        assertThat(fromSnap.status()).as(fromSnap.body()).isEqualTo(202);
        String fromSnapId = fromSnap.json().get("group").get("id").asString();
        awaitGroup(fromSnapId, "available");
        JsonNode fromSnapGroup = at("3.25").get(v3("/groups/" + fromSnapId + "?list_volume=true")).json().get("group");
        assertThat(fromSnapGroup.get("group_snapshot_id").asString()).isEqualTo(gsId);
        assertThat(fromSnapGroup.get("volumes")).hasSize(1);
        String madeFromSnapshot = fromSnapGroup.get("volumes").get(0).asString();
        assertThat(jdbc().queryForObject("SELECT snapshot_id FROM volumes WHERE id = ?", String.class, madeFromSnapshot))
                .isNotNull();
        Http.Response fromGroup = at("3.14").post(v3("/groups/action"), "{\"create-from-src\": {\"source_group_id\": \""
                + groupId + "\"}}");
        assertThat(fromGroup.status()).as(fromGroup.body()).isEqualTo(202);
        String fromGroupId = fromGroup.json().get("group").get("id").asString();
        awaitGroup(fromGroupId, "available");
        assertThat(at("3.14").get(v3("/groups/" + fromGroupId)).json().get("group").get("source_group_id").asString())
                .isEqualTo(groupId);
        assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM volumes WHERE group_id = ? AND source_volid = ? "
                + "AND status = 'available' AND deleted = FALSE", Integer.class, fromGroupId, inGroup)).isEqualTo(1);

        // Reset status (admin): 3.20 for groups, 3.19 for group snapshots.
        assertThat(at("3.19").post(v3("/groups/" + groupId + "/action"), "{\"reset_status\": {\"status\": \"error\"}}")
                .status()).isEqualTo(404);
        assertThat(at("3.20").post(v3("/groups/" + groupId + "/action"), "{\"reset_status\": {\"status\": \"error\"}}")
                .status()).isEqualTo(202);
        assertThat(groupStatus(groupId)).isEqualTo("error");
        assertThat(at("3.20").post(v3("/groups/" + groupId + "/action"), "{\"reset_status\": {\"status\": \"available\"}}")
                .status()).isEqualTo(202);
        assertThat(at("3.19").post(v3("/group_snapshots/" + gsId + "/action"), "{\"reset_status\": {\"status\": \"error\"}}")
                .status()).isEqualTo(202);
        assertThat(at("3.19").get(v3("/group_snapshots/" + gsId)).json().get("group_snapshot").get("status").asString())
                .isEqualTo("error");

        // Deleting the group snapshot deletes its snapshots; then the groups go with their volumes.
        assertThat(at("3.14").delete(v3("/group_snapshots/" + gsId)).status()).isEqualTo(202);
        Await.until("group snapshot gone", WAIT, () -> at("3.14").get(v3("/group_snapshots/" + gsId)).status() == 404);
        assertThat(inUse("snapshots")).isEqualTo(snapshotsBefore);
        int volumesBefore = inUse("volumes");
        for (String id : new String[] {groupId, fromSnapId, fromGroupId}) {
            assertThat(at("3.13").post(v3("/groups/" + id + "/action"), "{\"delete\": {\"delete-volumes\": true}}").status())
                    .isEqualTo(202);
        }
        for (String id : new String[] {groupId, fromSnapId, fromGroupId}) {
            Await.until("group " + id + " gone", WAIT, () -> "gone".equals(groupStatus(id)));
        }
        assertThat(admin.get(v3("/volumes/" + inGroup)).status()).isEqualTo(404);
        assertThat(admin.get(v3("/volumes/" + madeFromSnapshot)).status()).isEqualTo(404);
        assertThat(inUse("volumes")).isEqualTo(volumesBefore - 3);
        assertThat(admin.delete(v3("/volumes/" + loose)).status()).isEqualTo(202);
        Await.until("volume gone", WAIT, () -> admin.get(v3("/volumes/" + loose)).status() == 404);
        assertThat(at("3.11").delete(v3("/group_types/" + typeId)).status()).isEqualTo(202);
    }

    @Test
    @Order(3)
    void theNegativePathsAnswerAsCinder() {
        String missing = "00000000-0000-0000-0000-000000000000";
        Http.Response show = at("3.13").get(v3("/groups/" + missing));
        assertThat(show.status()).isEqualTo(404);
        assertThat(show.body()).isEqualTo("{\"itemNotFound\": {\"code\": 404, \"message\": \"Group " + missing
                + " could not be found.\"}}");
        assertThat(at("3.12").get(v3("/groups")).status()).isEqualTo(404);
        assertThat(at("3.13").post(v3("/groups/" + missing + "/action"), "{\"delete\": {}}").status()).isEqualTo(404);
        assertThat(at("3.14").get(v3("/group_snapshots/" + missing)).body())
                .contains("GroupSnapshot " + missing + " could not be found.");
        assertThat(at("3.11").get(v3("/group_types/" + missing)).body())
                .contains("Group type " + missing + " could not be found.");
        Http.Response byName = at("3.13").post(v3("/groups"), "{\"group\": {\"group_type\": \"nope\", \"volume_types\": [\""
                + volumeTypeId + "\"]}}");
        assertThat(byName.status()).isEqualTo(404);
        assertThat(byName.body()).contains("Group type with name nope could not be found.");

        String typeId = groupType("gt-neg");
        Http.Response duplicate = at("3.11").post(v3("/group_types"), "{\"group_type\": {\"name\": \"gt-neg\"}}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.body()).contains("Group Type gt-neg already exists.");
        Http.Response nonAdmin = cluster.http().as("alice:proj-a").withVersion("3.11").post("/v3/proj-a/group_types",
                "{\"group_type\": {\"name\": \"mine\"}}");
        assertThat(nonAdmin.status()).isEqualTo(403);
        String groupId = createGroup(typeId, "neg");
        String member = createVolume(groupId);
        // Not without delete-volumes while it has volumes; the type is in use.
        Http.Response full = at("3.13").post(v3("/groups/" + groupId + "/action"), "{\"delete\": {\"delete-volumes\": false}}");
        assertThat(full.status()).isEqualTo(400);
        assertThat(full.body()).contains("Invalid Group: Group " + groupId
                + " still contains volumes. The delete-volumes flag is required to delete it.");
        Http.Response inUse = at("3.11").delete(v3("/group_types/" + typeId));
        assertThat(inUse.status()).isEqualTo(400);
        assertThat(inUse.body()).contains("Target group type is still in use.");
        // A volume of another type may not join; nor may a volume be created in the group with another type.
        Http.Response otherType = at("3.13").post(v3("/volumes"), "{\"volume\": {\"size\": 1, \"group_id\": \"" + groupId
                + "\"}}");
        assertThat(otherType.status()).isEqualTo(400);
        assertThat(otherType.body()).contains("volume_type must be provided when creating a volume in a group.");
        // Wrong state: an update adding volumes needs an available group.
        assertThat(at("3.20").post(v3("/groups/" + groupId + "/action"), "{\"reset_status\": {\"status\": \"error\"}}")
                .status()).isEqualTo(202);
        String loose = createVolume(null);
        Http.Response wrongState = at("3.13").put(v3("/groups/" + groupId), "{\"group\": {\"add_volumes\": \"" + loose + "\"}}");
        assertThat(wrongState.status()).isEqualTo(400);
        assertThat(wrongState.body()).contains("Invalid Group: Group status must be available.");
        Http.Response badStatus = at("3.20").post(v3("/groups/" + groupId + "/action"),
                "{\"reset_status\": {\"status\": \"bogus\"}}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("badRequest").get("message").asString()).isEqualTo("Invalid Group Status: Group "
                + "status: bogus is invalid, valid status are: ('error', 'available', 'creating', 'deleting', 'deleted', "
                + "'updating', 'in-use', 'error_deleting').");
        // Over the groups quota: 413, nothing created.
        assertThat(root.put("/v3/admin/os-quota-sets/" + PROJECT, "{\"quota_set\": {\"groups\": 1}}").status()).isEqualTo(200);
        Http.Response over = at("3.13").post(v3("/groups"), "{\"group\": {\"group_type\": \"" + typeId
                + "\", \"volume_types\": [\"" + volumeTypeId + "\"]}}");
        assertThat(over.status()).as(over.body()).isEqualTo(413);
        assertThat(over.json().get("overLimit").get("message").asString())
                .isEqualTo("GroupLimitExceeded: Maximum number of groups allowed (1) exceeded");
        assertThat(root.delete("/v3/admin/os-quota-sets/" + PROJECT).status()).isEqualTo(200);

        assertThat(at("3.13").post(v3("/groups/" + groupId + "/action"), "{\"delete\": {\"delete-volumes\": true}}").status())
                .isEqualTo(202);
        Await.until("group gone", WAIT, () -> "gone".equals(groupStatus(groupId)));
        assertThat(admin.get(v3("/volumes/" + member)).status()).isEqualTo(404);
        assertThat(admin.delete(v3("/volumes/" + loose)).status()).isEqualTo(202);
        Await.until("volume gone", WAIT, () -> admin.get(v3("/volumes/" + loose)).status() == 404);
        assertThat(at("3.11").delete(v3("/group_types/" + typeId)).status()).isEqualTo(202);
    }

    @Test
    @Order(4)
    void groupsAndGroupSnapshotsWhoseMessageWasLostAreDrivenAgain() {
        String typeId = groupType("gt-redrive");
        String groupId = createGroup(typeId, "redrive");
        createVolume(groupId);
        Http.Response gs = at("3.14").post(v3("/group_snapshots"), "{\"group_snapshot\": {\"group_id\": \"" + groupId + "\"}}");
        assertThat(gs.status()).as(gs.body()).isEqualTo(202);
        String gsId = gs.json().get("group_snapshot").get("id").asString();
        Await.until("group snapshot available", WAIT, () -> "available".equals(
                at("3.14").get(v3("/group_snapshots/" + gsId)).json().get("group_snapshot").get("status").asString()));
        // As if the create_group and create_group_snapshot casts had been lost: rows left in creating.
        assertThat(at("3.20").post(v3("/groups/" + groupId + "/action"), "{\"reset_status\": {\"status\": \"creating\"}}")
                .status()).isEqualTo(202);
        assertThat(at("3.19").post(v3("/group_snapshots/" + gsId + "/action"),
                "{\"reset_status\": {\"status\": \"creating\"}}").status()).isEqualTo(202);
        awaitGroup(groupId, "available");
        Await.until("group snapshot available again", WAIT, () -> "available".equals(
                at("3.14").get(v3("/group_snapshots/" + gsId)).json().get("group_snapshot").get("status").asString()));
        // A lost delete_group_snapshot and delete_group.
        jdbc().update("UPDATE group_snapshots SET status = 'deleting' WHERE id = ?", gsId);
        jdbc().update("UPDATE snapshots SET status = 'deleting' WHERE group_snapshot_id = ?", gsId);
        Await.until("group snapshot gone", WAIT, () -> at("3.14").get(v3("/group_snapshots/" + gsId)).status() == 404);
        jdbc().update("UPDATE volumes SET status = 'deleting' WHERE group_id = ?", groupId);
        jdbc().update("UPDATE `groups` SET status = 'deleting' WHERE id = ?", groupId);
        Await.until("group gone", WAIT, () -> "gone".equals(groupStatus(groupId)));
        assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM volumes WHERE group_id = ? AND deleted = FALSE",
                Integer.class, groupId)).isZero();
        assertThat(at("3.11").delete(v3("/group_types/" + typeId)).status()).isEqualTo(202);
    }

    @Test
    @Order(5)
    void theOpenstackCliManagesGroupTypesAndGroups() {
        Cli.assumeInstalled();
        Cli cli = new Cli(cluster.http().base() + "/v3/" + PROJECT, "admin:" + PROJECT);
        JsonNode type = cli.openstackJson("--os-volume-api-version", "3.11", "volume", "group", "type", "create",
                "--description", "cli type", "cli-gt");
        String typeId = type.get("ID").asString();
        assertThat(type.get("Name").asString()).isEqualTo("cli-gt");
        assertThat(type.get("Description").asString()).isEqualTo("cli type");
        assertThat(cli.openstackJson("--os-volume-api-version", "3.11", "volume", "group", "type", "list").toString())
                .contains(typeId).contains("cli-gt");

        JsonNode group = cli.openstackJson("--os-volume-api-version", "3.13", "volume", "group", "create", "--name",
                "cli-g", "cli-gt", "golden-t1");
        String groupId = group.get("ID").asString();
        awaitGroup(groupId, "available");
        // Debian's python3-openstackclient 6.0 cannot show a group against any Cinder (it calls
        // cinderclient's groups.show, which does not exist: "'GroupManager' object has no attribute 'show'"), so the
        // cinder CLI shows it.
        assertThat(cli.openstackFailing("--os-volume-api-version", "3.13", "volume", "group", "show", groupId))
                .contains("'GroupManager' object has no attribute 'show'");
        String shown = cli.cinder("group-show", groupId);
        assertThat(shown).contains("available").contains(typeId).contains("cli-g").contains(volumeTypeId);
        assertThat(cli.openstackJson("--os-volume-api-version", "3.13", "volume", "group", "list").toString())
                .contains(groupId).contains("cli-g");
        cli.openstack("--os-volume-api-version", "3.13", "volume", "group", "delete", groupId);
        Await.until("group gone", WAIT, () -> "gone".equals(groupStatus(groupId)));
        cli.openstack("--os-volume-api-version", "3.11", "volume", "group", "type", "delete", typeId);
        assertThat(at("3.11").get(v3("/group_types/" + typeId)).status()).isEqualTo(404);
    }
}
