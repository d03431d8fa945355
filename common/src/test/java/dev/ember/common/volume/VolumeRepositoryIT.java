package dev.ember.common.volume;

import dev.ember.common.db.Keyset;
import dev.ember.common.db.ListQuery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.common.config.CinderProperties;
import dev.ember.common.config.CommonConfiguration;
import dev.ember.common.db.Timestamps;
import dev.ember.common.pool.PoolRepository;
import dev.ember.common.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The repositories against a real MariaDB: compare-and-swap, pagination, capacity claims under contention. */
class VolumeRepositoryIT {

    private static TestDatabase database;
    private static HikariDataSource dataSource;
    private static VolumeRepository volumes;
    private static PoolRepository pools;
    private static JdbcTemplate jdbc;
    private static String typeId;

    @BeforeAll
    static void setUp() {
        database = TestDatabase.create();
        CinderProperties properties = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        Map.of("cinder.database.connection", database.connection(), "cinder.database.max-pool-size", "20")))
                .bind("cinder", CinderProperties.class).get();
        dataSource = new CommonConfiguration().dataSource(properties);
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        volumes = new VolumeRepository(jdbc);
        pools = new PoolRepository(jdbc, null, true);
        typeId = jdbc.queryForObject("SELECT id FROM volume_types WHERE name = '__DEFAULT__'", String.class);
    }

    @AfterAll
    static void tearDown() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static Volume newVolume(String project, String name, Instant created) {
        return new Volume(UUID.randomUUID().toString(), "u", project, null, null, 1, "nova", VolumeStatus.CREATING,
                VolumeStatus.DETACHED, null, null, null, null, null, name, null, null, null, null, typeId, null, null,
                null, null, null, null, false, false, null, null, null, true, created, null, false,
                Map.of("k", "v", "emoji", "😀 日本"), Map.of(), null, false, null, null);
    }

    @Test
    void namesAndMetadataInCjkAndEmojiRoundTrip() {
        Volume v = newVolume("p-unicode", "名前 🚀", Timestamps.now());
        volumes.insert(v);
        Volume read = volumes.find(v.id()).orElseThrow();
        assertThat(read.displayName()).isEqualTo("名前 🚀");
        assertThat(read.metadata()).containsEntry("emoji", "😀 日本");
        assertThat(read.createdAt()).isEqualTo(v.createdAt());
    }

    @Test
    void aBackendCannotFinishACreateTheReDriveTookBackFromIt() {
        Volume v = newVolume("p-moved", "moved", Timestamps.now());
        volumes.insert(v);
        jdbc.update("UPDATE volumes SET host = 'n2@b#p' WHERE id = ?", v.id());
        // n1 read the row while it was still placed on n1, then finishes: neither outcome may land.
        assertThat(volumes.transitionOnHost(v.id(), "n1@b#p", Set.of(VolumeStatus.CREATING), VolumeStatus.ERROR)).isFalse();
        volumes.transitionAll(Map.of(v.id(), Map.of("provider_location", "/n1/volume")), Map.of(v.id(), "n1@b#p"),
                Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE);
        assertThat(volumes.find(v.id()).orElseThrow().status()).isEqualTo(VolumeStatus.CREATING);
        volumes.transitionAll(Map.of(v.id(), Map.of("provider_location", "/n2/volume")), Map.of(v.id(), "n2@b#p"),
                Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE);
        Volume now = volumes.find(v.id()).orElseThrow();
        assertThat(now.status()).isEqualTo(VolumeStatus.AVAILABLE);
        assertThat(now.providerLocation()).isEqualTo("/n2/volume");
    }

    @Test
    void onlyOneOfManyRacingTransitionsWins() throws Exception {
        Volume v = newVolume("p-race", "race", Timestamps.now());
        volumes.insert(v);
        volumes.transition(v.id(), Set.of(VolumeStatus.CREATING), VolumeStatus.AVAILABLE);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger wins = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            futures.add(pool.submit(() -> {
                if (volumes.transition(v.id(), VolumeStatus.DELETABLE, VolumeStatus.DELETING)) {
                    wins.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(wins.get()).isEqualTo(1);
        assertThat(volumes.find(v.id()).orElseThrow().status()).isEqualTo(VolumeStatus.DELETING);
    }

    @Test
    void claimsNeverOverAllocateAPoolUnderContention() throws Exception {
        pools.report("h@b", Map.of("h@b#race", "{}"), Timestamps.now());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            futures.add(pool.submit(() -> {
                if (pools.claim("h@b#race", 1, 100)) {
                    granted.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(granted.get()).isEqualTo(100);
        var row = pools.all().stream().filter(p -> p.name().equals("h@b#race")).findFirst().orElseThrow();
        assertThat(row.allocatedCapacityGb()).isEqualTo(100);
        assertThat(row.volumeCount()).isEqualTo(100);
    }

    @Test
    void markerPaginationVisitsEveryVolumeOnceInEitherOrder() {
        String project = "p-page";
        Instant base = Timestamps.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Equal timestamps in pairs, so the id tie-break decides the order.
            Volume v = newVolume(project, "v" + (i % 7), base.plusMillis(i / 2));
            volumes.insert(v);
            ids.add(v.id());
        }
        for (boolean descending : new boolean[] {true, false}) {
            List<Keyset.Key> sort = List.of(new Keyset.Key("display_name", descending));
            List<String> seen = new ArrayList<>();
            String marker = null;
            while (true) {
                List<Volume> page = volumes.list(new ListQuery(project, List.of(), Map.of(), sort, marker, 4, 0));
                page.forEach(v -> seen.add(v.id()));
                if (page.size() < 4) {
                    break;
                }
                marker = page.get(page.size() - 1).id();
            }
            assertThat(seen).hasSize(25).containsExactlyInAnyOrderElementsOf(ids);
        }
        assertThat(volumes.count(new ListQuery(project, List.of(new ListQuery.Condition("display_name",
                ListQuery.Op.EQ, "v3")), Map.of(), List.of(), null, 1000, 0))).isEqualTo(4);
        assertThat(volumes.count(new ListQuery(project, List.of(), Map.of("k", "v"), List.of(), null, 1000, 0)))
                .isEqualTo(25);
    }
}
