package dev.ember.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.identity.EndpointURLResolver;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.identity.URLResolverParams;
import org.openstack4j.model.storage.block.BlockLimits;
import org.openstack4j.model.storage.block.BlockQuotaSet;
import org.openstack4j.model.storage.block.BlockQuotaSetUsage;
import org.openstack4j.model.storage.block.Volume;
import org.openstack4j.model.storage.block.VolumeSnapshot;
import org.openstack4j.model.storage.block.VolumeType;
import org.openstack4j.model.storage.block.ext.Service;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.openstack4j.openstack.storage.block.domain.VolumeBackendPool;

/**
 * openstack4j 3.12 (the Java SDK, OkHttp connector) drives our API as Java applications do: it sends no
 * microversion (so every call runs at 3.0) and no Accept header, and parses Cinder's bodies into its model
 * objects. Authentication is Cinder's noauth: the "token" is {@code user:project} and the endpoint is given
 * instead of a Keystone catalog. The assertions are on what openstack4j parsed, not on raw JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Openstack4jIT {

    private static final String PROJECT = "sdk";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InJvmCluster cluster;
    private String base;
    private String volumeId;
    private String snapshotId;

    @BeforeAll
    void start() throws Exception {
        cluster = new InJvmCluster(Map.of()).startApi().startScheduler("sdk-node");
        cluster.startVolume("sdk-node", "fake", Map.of("volume_driver", "noop", "volume_backend_name", "fake"));
        base = cluster.http().base();
        Http admin = cluster.http().as("admin:" + PROJECT);
        Await.until("the fake backend's pool", WAIT,
                () -> admin.get("/v3/" + PROJECT + "/scheduler-stats/get_pools").body().contains("sdk-node@fake#fake"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A client as openstack4j builds one from an existing token: Cinder's noauth token {@code user:project} and, in
     * place of a Keystone catalog, a resolver that names the project's endpoint. openstack4j keeps one session per
     * thread and its services use the thread's latest, so each call starts from its own {@code os(...)}.
     */
    private OSClient.OSClientV3 os(String token) {
        String endpoint = base + "/v3/" + token.substring(token.indexOf(':') + 1);
        KeystoneToken keystoneToken = new KeystoneToken();
        keystoneToken.setId(token);
        EndpointURLResolver ours = new EndpointURLResolver() {
            @Override
            public String findURLV2(URLResolverParams params) {
                return endpoint;
            }

            @Override
            public String findURLV3(URLResolverParams params) {
                return endpoint;
            }
        };
        return OSFactory.clientFromToken(keystoneToken, Config.newConfig().withEndpointURLResolver(ours)
                .withConnectionTimeout(5000).withReadTimeout(30000));
    }

    private OSClient.OSClientV3 admin() {
        return os("admin:" + PROJECT);
    }

    private static <T> T await(String what, Supplier<T> supplier, java.util.function.Predicate<T> ok) {
        return Await.value(what, WAIT, supplier, ok);
    }

    @Test
    @Order(1)
    void volumeTypesAreCreatedListedAndDeleted() {
        VolumeType created = admin().blockStorage().volumes().createVolumeType(Builders.volumeType().name("sdk-fast")
                .extraSpecs(Map.of("volume_backend_name", "fake")).build());
        assertThat(created.getId()).matches("[0-9a-f-]{36}");
        assertThat(created.getName()).isEqualTo("sdk-fast");
        assertThat(created.getExtraSpecs()).isEqualTo(Map.of("volume_backend_name", "fake"));
        VolumeType doomed = admin().blockStorage().volumes().createVolumeType(Builders.volumeType().name("sdk-doomed").build());

        List<? extends VolumeType> types = admin().blockStorage().volumes().listVolumeTypes();
        assertThat(types).extracting(VolumeType::getName).contains("sdk-fast", "sdk-doomed", "__DEFAULT__");
        VolumeType listed = types.stream().filter(t -> t.getName().equals("sdk-fast")).findFirst().orElseThrow();
        assertThat(listed.getId()).isEqualTo(created.getId());
        assertThat(listed.getExtraSpecs()).containsEntry("volume_backend_name", "fake");

        // deleteVolumeType returns nothing: the list shows it went.
        admin().blockStorage().volumes().deleteVolumeType(doomed.getId());
        assertThat(admin().blockStorage().volumes().listVolumeTypes()).extracting(VolumeType::getName)
                .doesNotContain("sdk-doomed");
    }

    @Test
    @Order(2)
    void volumesAreCreatedListedUpdatedExtendedAndShown() {
        Volume created = admin().blockStorage().volumes().create(Builders.volume().name("sdk-v1").description("from java")
                .size(1).volumeType("sdk-fast").metadata(Map.of("owner", "sdk")).build());
        volumeId = created.getId();
        assertThat(volumeId).matches("[0-9a-f-]{36}");
        assertThat(created.getName()).isEqualTo("sdk-v1");
        assertThat(created.getDescription()).isEqualTo("from java");
        assertThat(created.getSize()).isEqualTo(1);
        assertThat(created.getStatus()).isEqualTo(Volume.Status.CREATING);
        assertThat(created.getVolumeType()).as("the type's name, as Cinder").isEqualTo("sdk-fast");
        assertThat(created.getMetaData()).containsEntry("owner", "sdk");

        Volume available = await("available", () -> admin().blockStorage().volumes().get(volumeId),
                v -> v.getStatus() == Volume.Status.AVAILABLE);
        assertThat(available.getZone()).isEqualTo("nova");
        assertThat(available.getCreated()).isNotNull();
        assertThat(available.bootable()).isFalse();
        assertThat(available.encrypted()).isFalse();
        assertThat(available.getTenantId()).isEqualTo(PROJECT);
        assertThat(available.host()).isEqualTo("sdk-node@fake#fake");
        assertThat(available.getAttachments()).isEmpty();

        // list() is GET /volumes/detail; a filter goes through as a query parameter.
        assertThat(admin().blockStorage().volumes().list()).extracting(Volume::getId).contains(volumeId);
        assertThat(admin().blockStorage().volumes().list(Map.of("name", "sdk-v1"))).extracting(Volume::getId)
                .containsExactly(volumeId);
        assertThat(admin().blockStorage().volumes().list(Map.of("name", "nope"))).isEmpty();

        // update() sends name and display_name, description and display_description: Cinder accepts the aliases.
        ActionResponse updated = admin().blockStorage().volumes().update(volumeId, "sdk-renamed", "renamed from java");
        assertThat(updated.isSuccess()).as(updated.toString()).isTrue();
        Volume renamed = admin().blockStorage().volumes().get(volumeId);
        assertThat(renamed.getName()).isEqualTo("sdk-renamed");
        assertThat(renamed.getDescription()).isEqualTo("renamed from java");

        ActionResponse extended = admin().blockStorage().volumes().extend(volumeId, 3);
        assertThat(extended.isSuccess()).as(extended.toString()).isTrue();
        Volume bigger = await("extended to 3 GB", () -> admin().blockStorage().volumes().get(volumeId),
                v -> v.getSize() == 3 && v.getStatus() == Volume.Status.AVAILABLE);
        assertThat(bigger.getSize()).isEqualTo(3);

        assertThat(admin().blockStorage().volumes().bootable(volumeId, true).isSuccess()).isTrue();
        assertThat(admin().blockStorage().volumes().get(volumeId).bootable()).isTrue();
        assertThat(admin().blockStorage().volumes().readOnlyModeUpdate(volumeId, true).isSuccess()).isTrue();
        assertThat(admin().blockStorage().volumes().get(volumeId).getMetaData()).containsEntry("readonly", "True");
        assertThat(admin().blockStorage().volumes().readOnlyModeUpdate(volumeId, false).isSuccess()).isTrue();

        // A smaller size is refused with Cinder's message, which openstack4j takes from the error envelope.
        ActionResponse smaller = admin().blockStorage().volumes().extend(volumeId, 2);
        assertThat(smaller.isSuccess()).isFalse();
        assertThat(smaller.getCode()).isEqualTo(400);
        assertThat(smaller.getFault()).contains("New size for extend must be greater than current size.");
    }

    @Test
    @Order(3)
    void snapshotsAreCreatedListedUpdatedAndDeleted() {
        // Without a description: with one openstack4j also sends display_description, which Cinder's create refuses.
        VolumeSnapshot created = admin().blockStorage().snapshots().create(Builders.volumeSnapshot().name("sdk-s1")
                .volume(volumeId).build());
        snapshotId = created.getId();
        assertThat(snapshotId).matches("[0-9a-f-]{36}");
        assertThat(created.getName()).isEqualTo("sdk-s1");
        assertThat(created.getVolumeId()).isEqualTo(volumeId);
        assertThat(created.getSize()).isEqualTo(3);
        assertThat(created.getStatus()).isEqualTo(Volume.Status.CREATING);

        VolumeSnapshot available = await("snapshot available", () -> admin().blockStorage().snapshots().get(snapshotId),
                s -> s.getStatus() == Volume.Status.AVAILABLE);
        assertThat(available.getCreated()).isNotNull();
        assertThat(admin().blockStorage().snapshots().list()).extracting(VolumeSnapshot::getId).contains(snapshotId);
        assertThat(admin().blockStorage().snapshots().list(Map.of("volume_id", volumeId))).extracting(VolumeSnapshot::getId)
                .containsExactly(snapshotId);

        ActionResponse updated = admin().blockStorage().snapshots().update(snapshotId, "sdk-s1b", "described later");
        assertThat(updated.isSuccess()).as(updated.toString()).isTrue();
        VolumeSnapshot renamed = admin().blockStorage().snapshots().get(snapshotId);
        assertThat(renamed.getName()).isEqualTo("sdk-s1b");
        assertThat(renamed.getDescription()).isEqualTo("described later");

        // The volume has a snapshot: its delete is refused with Cinder's message.
        ActionResponse refused = admin().blockStorage().volumes().delete(volumeId);
        assertThat(refused.isSuccess()).isFalse();
        assertThat(refused.getCode()).isEqualTo(400);
        assertThat(refused.getFault()).isEqualTo("Invalid volume: Volume status must be available or error or "
                + "error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a "
                + "group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.");

        assertThat(admin().blockStorage().snapshots().delete(snapshotId).isSuccess()).isTrue();
        await("snapshot gone", () -> admin().blockStorage().snapshots().get(snapshotId) == null, gone -> gone);
    }

    @Test
    @Order(4)
    void quotasLimitsAndTheAdminListsParse() {
        BlockQuotaSet defaults = admin().blockStorage().quotaSets().getDefaults(PROJECT);
        assertThat(defaults.getVolumes()).isEqualTo(10);
        assertThat(defaults.getSnapshots()).isEqualTo(10);
        assertThat(defaults.getGigabytes()).isEqualTo(1000);

        // openstack4j sends every field it knows, unset ones as 0: set all three.
        BlockQuotaSet updated = admin().blockStorage().quotaSets().updateForTenant(PROJECT, Builders.blockQuotaSet()
                .volumes(5).snapshots(4).gigabytes(50).build());
        assertThat(updated.getVolumes()).isEqualTo(5);
        assertThat(updated.getSnapshots()).isEqualTo(4);
        assertThat(updated.getGigabytes()).isEqualTo(50);
        BlockQuotaSet shown = admin().blockStorage().quotaSets().get(PROJECT);
        assertThat(shown.getId()).isEqualTo(PROJECT);
        assertThat(shown.getVolumes()).isEqualTo(5);
        assertThat(shown.getVolumeTypesQuotas()).containsKeys("volumes_sdk-fast", "gigabytes_sdk-fast");

        BlockQuotaSetUsage usage = admin().blockStorage().quotaSets().usageForTenant(PROJECT);
        assertThat(usage.getVolumes().getInUse()).isEqualTo(1);
        assertThat(usage.getVolumes().getLimit()).isEqualTo(5);
        assertThat(usage.getGigabytes().getInUse()).isEqualTo(3);
        assertThat(usage.getSnapshots().getInUse()).isZero();

        BlockLimits.Absolute limits = admin().blockStorage().getLimits().getAbsolute();
        assertThat(limits.getMaxTotalVolumes()).isEqualTo(5);
        assertThat(limits.getTotalVolumesUsed()).isEqualTo(1);
        assertThat(limits.getMaxTotalVolumeGigabytes()).isEqualTo(50);
        assertThat(limits.getTotalGigabytesUsed()).isEqualTo(3);

        ActionResponse reset = admin().blockStorage().quotaSets().delete(PROJECT);
        assertThat(reset.isSuccess()).as(reset.toString()).isTrue();
        assertThat(admin().blockStorage().quotaSets().get(PROJECT).getVolumes()).isEqualTo(10);

        List<? extends Service> services = admin().blockStorage().services().list();
        assertThat(services).extracting(Service::getBinary).contains("cinder-scheduler", "cinder-volume");
        Service volume = services.stream().filter(s -> s.getBinary().equals("cinder-volume")).findFirst().orElseThrow();
        assertThat(volume.getHost()).isEqualTo("sdk-node@fake");
        assertThat(volume.getZone()).isEqualTo("nova");
        assertThat(volume.getStatus()).isEqualTo(Service.Status.ENABLED);
        assertThat(volume.getState()).isEqualTo(Service.State.UP);
        assertThat(volume.getUpdatedAt()).isNotNull();

        assertThat(admin().blockStorage().zones().list()).extracting(z -> z.getZoneName()).containsExactly("nova");
        List<? extends VolumeBackendPool> pools = admin().blockStorage().schedulerStatsPools().pools();
        assertThat(pools).extracting(VolumeBackendPool::getName).containsExactly("sdk-node@fake#fake");
        List<? extends VolumeBackendPool> detailed = admin().blockStorage().schedulerStatsPools().poolsDetail();
        assertThat(detailed.get(0).getCapabilities().getVolumeBackendName()).isEqualTo("fake");
    }

    @Test
    @Order(5)
    void otherProjectsAndUnknownIdsAnswerAsOpenstack4jExpects() {
        // get() of an unknown or foreign volume is null (a 404), a list of another project is empty.
        assertThat(admin().blockStorage().volumes().get("00000000-0000-0000-0000-000000000000")).isNull();
        ActionResponse missing = admin().blockStorage().volumes().delete("00000000-0000-0000-0000-000000000000");
        assertThat(missing.getCode()).isEqualTo(404);
        assertThat(missing.getFault()).isEqualTo("Volume 00000000-0000-0000-0000-000000000000 could not be found.");
        assertThat(admin().blockStorage().snapshots().get("00000000-0000-0000-0000-000000000000")).isNull();
        assertThat(os("mallory:elsewhere").blockStorage().volumes().list()).isEmpty();
        assertThat(os("mallory:elsewhere").blockStorage().volumes().get(volumeId)).as("another project's").isNull();
        assertThat(admin().blockStorage().volumes().get(volumeId)).isNotNull();
        // A member is no admin: the service list is refused (403), which openstack4j throws with Cinder's message.
        assertThatThrownBy(() -> os("alice:" + PROJECT).blockStorage().services().list())
                .isInstanceOfSatisfying(ClientResponseException.class, e -> assertThat(e.getStatus()).isEqualTo(403))
                .hasMessage("Policy doesn't allow volume_extension:services:index to be performed.");
    }

    @Test
    @Order(6)
    void volumesAreDeleted() {
        assertThat(admin().blockStorage().volumes().resetState(volumeId, Volume.Status.ERROR).isSuccess()).isTrue();
        assertThat(admin().blockStorage().volumes().get(volumeId).getStatus()).isEqualTo(Volume.Status.ERROR);
        ActionResponse deleted = admin().blockStorage().volumes().delete(volumeId);
        assertThat(deleted.isSuccess()).as(deleted.toString()).isTrue();
        await("volume gone", () -> admin().blockStorage().volumes().get(volumeId) == null, gone -> gone);

        Volume second = admin().blockStorage().volumes().create(Builders.volume().name("sdk-v2").size(1).build());
        await("available", () -> admin().blockStorage().volumes().get(second.getId()),
                v -> v.getStatus() == Volume.Status.AVAILABLE);
        assertThat(admin().blockStorage().volumes().forceDelete(second.getId()).isSuccess()).isTrue();
        await("force-deleted volume gone", () -> admin().blockStorage().volumes().get(second.getId()) == null, gone -> gone);
        assertThat(admin().blockStorage().volumes().list()).isEmpty();
    }
}
