package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.quota.Quotas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Quotas answer as Cinder's do (golden comparisons of quota sets, classes, limits and the 413), and the
 * accounting is exact: concurrent creates against a limit admit exactly the limit, failures and deletes give
 * back what they took, snapshots and extends count, and the stored counters always equal what exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private Http admin;
    private Http root;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("cinder-ref");
        cluster.startVolume("cinder-ref", "fake", Map.of("volume_driver", "noop"));
        admin = cluster.http().as("admin:golden");
        root = cluster.http().as("admin:admin");
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/golden/scheduler-stats/get_pools").body().contains("cinder-ref@fake#fake"));
        // The reference deployment had a type "ceph" besides __DEFAULT__, and unlimited volumes, snapshots
        // and gigabytes in its default quota class.
        assertThat(admin.post("/v3/golden/types", "{\"volume_type\": {\"name\": \"ceph\"}}").status()).isEqualTo(200);
        assertThat(admin.put("/v3/golden/os-quota-class-sets/default",
                "{\"quota_class_set\": {\"volumes\": -1, \"snapshots\": -1, \"gigabytes\": -1}}").status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            assertThat(cluster.bean(Quotas.class).drift()).as("quota counters against what exists").isEmpty();
            cluster.close();
        }
    }

    private String create(Http as, String project, int size) {
        Http.Response r = as.post("/v3/" + project + "/volumes", "{\"volume\": {\"size\": " + size + "}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("volume").get("id").asString();
    }

    private void await(Http as, String project, String id, String status) {
        Await.until("volume " + id + " " + status, WAIT,
                () -> status.equals(as.get("/v3/" + project + "/volumes/" + id).json().get("volume").get("status").asString()));
    }

    private void awaitGone(Http as, String project, String id) {
        Await.until("volume " + id + " gone", WAIT, () -> as.get("/v3/" + project + "/volumes/" + id).status() == 404);
    }

    @Test
    @Order(1)
    void quotaSetsClassesAndLimitsAnswerAsCinder() {
        Golden.assertMatches("quota-class-sets-default", admin.get("/v3/golden/os-quota-class-sets/default"), "golden", Set.of());
        Golden.assertMatches("quota-sets-defaults", admin.get("/v3/golden/os-quota-sets/golden/defaults"), "golden", Set.of());
        Golden.assertMatches("quota-sets-show", admin.get("/v3/golden/os-quota-sets/golden"), "golden", Set.of());
        String a = create(admin, "golden", 1);
        String b = create(admin, "golden", 1);
        await(admin, "golden", a, "available");
        await(admin, "golden", b, "available");
        Golden.assertMatches("limits@3.0", admin.get("/v3/golden/limits"), "golden", Set.of());
        Golden.assertMatches("limits@3.70", admin.withVersion("3.70").get("/v3/golden/limits"), "golden", Set.of());
        Golden.assertMatches("quota-sets-update-volumes-2",
                admin.put("/v3/golden/os-quota-sets/golden", "{\"quota_set\": {\"volumes\": 2}}"), "golden", Set.of());
        Golden.assertMatches("quota-sets-show-usage", admin.get("/v3/golden/os-quota-sets/golden?usage=true"), "golden", Set.of());
        Golden.assertMatches("volume-create-over-quota-413",
                admin.post("/v3/golden/volumes", "{\"volume\": {\"size\": 1, \"name\": \"golden-over\"}}"), "golden", Set.of());
        Golden.assertMatches("quota-sets-delete", admin.delete("/v3/golden/os-quota-sets/golden"), "golden", Set.of());
        Golden.assertMatches("quota-sets-show-usage@3.70",
                admin.withVersion("3.70").get("/v3/golden/os-quota-sets/golden?usage=true"), "golden", Set.of());
        assertThat(admin.post("/v3/golden/volumes", "{\"volume\": {\"size\": 1}}").status()).isEqualTo(202);
    }

    @Test
    void concurrentCreatesAgainstALimitAdmitExactlyTheLimit() throws Exception {
        Http race = cluster.http().as("racer:race");
        assertThat(root.put("/v3/admin/os-quota-sets/race", "{\"quota_set\": {\"volumes\": 10}}").status()).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            answers.add(pool.submit(() -> race.post("/v3/race/volumes", "{\"volume\": {\"size\": 1}}")));
        }
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (Future<Http.Response> answer : answers) {
            Http.Response r = answer.get();
            if (r.status() == 202) {
                accepted.add(r.json().get("volume").get("id").asString());
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(413);
                assertThat(r.json().get("overLimit").get("message").asString())
                        .isEqualTo("VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.");
                refused++;
            }
        }
        pool.shutdown();
        assertThat(accepted).hasSize(10);
        assertThat(refused).isEqualTo(54);
        assertThat(race.get("/v3/race/volumes?with_count=true").status()).isEqualTo(200);
        assertThat(usage("race", "volumes").get("in_use").asInt()).isEqualTo(10);
        for (String id : accepted) {
            await(race, "race", id, "available");
            assertThat(race.delete("/v3/race/volumes/" + id).status()).isEqualTo(202);
        }
        for (String id : accepted) {
            awaitGone(race, "race", id);
        }
        assertThat(usage("race", "volumes").get("in_use").asInt()).isZero();
        assertThat(usage("race", "gigabytes").get("in_use").asInt()).isZero();
        assertThat(cluster.bean(Quotas.class).drift()).isEmpty();
    }

    private tools.jackson.databind.JsonNode usage(String project, String resource) {
        return root.get("/v3/admin/os-quota-sets/" + project + "?usage=true").json().get("quota_set").get(resource);
    }

    @Test
    void gigabytesCountVolumesSnapshotsAndExtends() {
        Http user = cluster.http().as("user:gb");
        assertThat(root.put("/v3/admin/os-quota-sets/gb", "{\"quota_set\": {\"gigabytes\": 7, \"volumes\": -1, "
                + "\"snapshots\": -1}}").status()).isEqualTo(200);
        String v = create(user, "gb", 3);
        await(user, "gb", v, "available");
        Http.Response over = user.post("/v3/gb/volumes", "{\"volume\": {\"size\": 5}}");
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.json().get("overLimit").get("message").asString()).isEqualTo("VolumeSizeExceedsAvailableQuota: "
                + "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5G, quota is 7G and 3G has "
                + "been consumed.");
        // A snapshot counts its volume's size.
        Http.Response snap = user.post("/v3/gb/snapshots", "{\"snapshot\": {\"volume_id\": \"" + v + "\"}}");
        assertThat(snap.status()).as(snap.body()).isEqualTo(202);
        String snapshotId = snap.json().get("snapshot").get("id").asString();
        Await.until("snapshot available", WAIT, () -> "available".equals(
                user.get("/v3/gb/snapshots/" + snapshotId).json().get("snapshot").get("status").asString()));
        assertThat(usage("gb", "gigabytes").get("in_use").asInt()).isEqualTo(6);
        assertThat(usage("gb", "snapshots").get("in_use").asInt()).isEqualTo(1);
        // An extend reserves its growth, then uses it.
        Http.Response tooMuch = user.post("/v3/gb/volumes/" + v + "/action", "{\"os-extend\": {\"new_size\": 5}}");
        assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(413);
        assertThat(user.get("/v3/gb/volumes/" + v).json().get("volume").get("status").asString()).isEqualTo("available");
        assertThat(user.post("/v3/gb/volumes/" + v + "/action", "{\"os-extend\": {\"new_size\": 4}}").status()).isEqualTo(202);
        Await.until("extended", WAIT, () -> user.get("/v3/gb/volumes/" + v).json().get("volume").get("size").asInt() == 4);
        await(user, "gb", v, "available");
        assertThat(usage("gb", "gigabytes").get("in_use").asInt()).isEqualTo(7);
        assertThat(usage("gb", "gigabytes").get("reserved").asInt()).isZero();
        // A limit below what is used is refused once the project has a limit of its own for it.
        Http.Response below = root.put("/v3/admin/os-quota-sets/gb", "{\"quota_set\": {\"gigabytes\": 2}}");
        assertThat(below.status()).isEqualTo(400);
        assertThat(below.json().get("badRequest").get("message").asString()).isEqualTo("Quota gigabytes limit must be "
                + "equal or greater than existing resources. Current usage is 7 and the requested limit is 2.");
        // per_volume_gigabytes limits one volume, not the sum.
        assertThat(root.put("/v3/admin/os-quota-sets/gb", "{\"quota_set\": {\"per_volume_gigabytes\": 2, "
                + "\"gigabytes\": -1}}").status()).isEqualTo(200);
        Http.Response big = user.post("/v3/gb/volumes", "{\"volume\": {\"size\": 3}}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().get("overLimit").get("message").asString())
                .isEqualTo("VolumeSizeExceedsLimit: Requested volume size 3G is larger than maximum allowed limit 2G.");
        // Deleting gives everything back.
        assertThat(user.delete("/v3/gb/snapshots/" + snapshotId).status()).isEqualTo(202);
        Await.until("snapshot gone", WAIT, () -> user.get("/v3/gb/snapshots/" + snapshotId).status() == 404);
        assertThat(user.delete("/v3/gb/volumes/" + v).status()).isEqualTo(202);
        awaitGone(user, "gb", v);
        assertThat(usage("gb", "gigabytes").get("in_use").asInt()).isZero();
        assertThat(usage("gb", "snapshots").get("in_use").asInt()).isZero();
    }

    @Test
    void perTypeQuotasFollowTheirType() {
        Http user = cluster.http().as("user:typed");
        Http.Response type = root.post("/v3/admin/types", "{\"volume_type\": {\"name\": \"gold\"}}");
        assertThat(type.status()).isEqualTo(200);
        String typeId = type.json().get("volume_type").get("id").asString();
        assertThat(root.put("/v3/admin/os-quota-sets/typed", "{\"quota_set\": {\"volumes_gold\": 1}}").status()).isEqualTo(200);
        Http.Response first = user.post("/v3/typed/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"gold\"}}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        Http.Response second = user.post("/v3/typed/volumes", "{\"volume\": {\"size\": 1, \"volume_type\": \"gold\"}}");
        assertThat(second.status()).isEqualTo(413);
        assertThat(second.json().get("overLimit").get("message").asString())
                .isEqualTo("VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes_gold'.");
        // Renaming the type carries its limits and usage along.
        assertThat(root.put("/v3/admin/types/" + typeId, "{\"volume_type\": {\"name\": \"platinum\"}}").status()).isEqualTo(200);
        tools.jackson.databind.JsonNode set = root.get("/v3/admin/os-quota-sets/typed?usage=true").json().get("quota_set");
        assertThat(set.has("volumes_gold")).isFalse();
        assertThat(set.get("volumes_platinum").get("limit").asInt()).isEqualTo(1);
        assertThat(set.get("volumes_platinum").get("in_use").asInt()).isEqualTo(1);
        String id = first.json().get("volume").get("id").asString();
        await(user, "typed", id, "available");
        assertThat(user.delete("/v3/typed/volumes/" + id).status()).isEqualTo(202);
        awaitGone(user, "typed", id);
        assertThat(root.delete("/v3/admin/types/" + typeId).status()).isEqualTo(202);
    }

    @Test
    void badQuotaRequestsGetCindersErrors() {
        Http member = cluster.http().as("member:alpha");
        assertThat(member.get("/v3/alpha/os-quota-sets/alpha").status()).isEqualTo(200);
        Http.Response other = member.get("/v3/alpha/os-quota-sets/beta");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow volume_extension:quotas:show to be performed.");
        assertThat(member.put("/v3/alpha/os-quota-sets/alpha", "{\"quota_set\": {\"volumes\": 100}}").status()).isEqualTo(403);
        assertThat(member.get("/v3/alpha/os-quota-class-sets/default").status()).isEqualTo(403);
        assertMessage(root.put("/v3/admin/os-quota-sets/alpha", "{\"quota_set\": {\"bogus\": 1, \"volumes\": 1}}"),
                "Invalid input received: Bad key(s) in quota set: bogus");
        assertMessage(root.put("/v3/admin/os-quota-sets/alpha", "{\"quota_set\": {\"volumes\": \"ten\"}}"),
                "volumes must be an integer");
        assertMessage(root.put("/v3/admin/os-quota-sets/alpha", "{\"quota_set\": {\"volumes\": -2}}"),
                "volumes must be >= -1");
        assertMessage(root.put("/v3/admin/os-quota-sets/alpha", "{\"quota_set\": {\"volumes\": 9223372036854775808}}"),
                "volumes must be <= 2147483647");
        assertThat(root.put("/v3/admin/os-quota-sets/alpha", "{\"quota_set\": {}}").status()).isEqualTo(400);
        assertThat(root.put("/v3/admin/os-quota-class-sets/default", "{\"quota_class_set\": {\"volumes\": \"-1\"}}")
                .status()).isEqualTo(400);
        assertMessage(root.put("/v3/admin/os-quota-class-sets/default", "{\"quota_class_set\": {\"nope\": 1}}"),
                "Invalid input received: Bad key(s) in quota class set: nope");
    }

    private static void assertMessage(Http.Response r, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("badRequest").get("message").asString()).isEqualTo(message);
    }
}
