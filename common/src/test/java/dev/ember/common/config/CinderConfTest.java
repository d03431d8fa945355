package dev.ember.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CinderConfTest {

    @TempDir
    Path dir;

    @Test
    void mapsCinderOptionNamesToSpringPropertiesLaterFilesWinning() throws Exception {
        Path main = write("cinder.conf", """
                [DEFAULT]
                # a comment
                enabled_backends = ceph-1, lvm-1
                transport_url = rabbit://guest:guest@127.0.0.1:5672/
                osapi_volume_listen_port = 8776
                debug = True
                no_such_option = 1
                default_volume_type: gold
                scheduler_default_filters = AvailabilityZoneFilter,
                    CapacityFilter
                [database]
                connection = mysql+pymysql://cinder:secret@db/cinder
                [keystone_authtoken]
                auth_url = http://keystone:5000/v3
                [backend_defaults]
                reserved_percentage = 5
                [ceph-1]
                volume_driver = cinder.volume.drivers.rbd.RBDDriver
                rbd_pool = volumes
                image_volume_cache_enabled = True
                [lvm-1]
                volume_driver = iscsi
                reserved_percentage = 10
                iscsi_secondary_ip_addresses = 10.0.0.2
                [mystery]
                x = y
                [ember]
                redrive_after = 12
                """);
        Path override = write("override.conf", """
                [DEFAULT]
                osapi_volume_listen_port = 18776
                """);
        CinderConf conf = CinderConf.fromArgs(new String[] {"--config-file", main.toString(),
                "--config-file=" + override, "--server.port=1"});

        assertThat(conf.remaining()).containsExactly("--server.port=1");
        assertThat(conf.properties())
                .containsEntry("cinder.enabled-backends", "ceph-1, lvm-1")
                .containsEntry("cinder.transport-url", "rabbit://guest:guest@127.0.0.1:5672/")
                .containsEntry("cinder.osapi-volume-listen-port", "18776")
                .containsEntry("cinder.default-volume-type", "gold")
                .containsEntry("cinder.scheduler-default-filters", "AvailabilityZoneFilter,\nCapacityFilter")
                .containsEntry("cinder.database.connection", "mysql+pymysql://cinder:secret@db/cinder")
                .containsEntry("cinder.keystone-authtoken.auth-url", "http://keystone:5000/v3")
                .containsEntry("cinder.backends.ceph-1.volume_driver", "cinder.volume.drivers.rbd.RBDDriver")
                .containsEntry("cinder.backends.ceph-1.rbd_pool", "volumes")
                .containsEntry("cinder.backends.ceph-1.reserved_percentage", "5")
                .containsEntry("cinder.backends.lvm-1.reserved_percentage", "10")
                .containsEntry("cinder.backends.lvm-1.target_secondary_ip_addresses", "10.0.0.2")
                .doesNotContainKey("cinder.backends.ceph-1.image_volume_cache_enabled")
                .containsEntry("cinder.ember.redrive-after", "12")
                .doesNotContainKey("cinder.backend-defaults.reserved-percentage");
        assertThat(conf.warnings()).containsExactlyInAnyOrder(
                "[DEFAULT] debug is a Cinder option Ember does not support: ignored",
                "[DEFAULT] no_such_option is not an option Ember knows: ignored",
                "[ceph-1] image_volume_cache_enabled is a Cinder backend option Ember does not support: ignored",
                "[mystery] is not a section Ember knows (nor a backend in enabled_backends): its options [x] are "
                        + "mapped to cinder.mystery.* and probably unused");
        assertThat(String.join("\n", conf.warnings())).doesNotContain("secret");
    }

    @Test
    void configDirReadsConfFilesInNameOrder() throws Exception {
        Path d = Files.createDirectories(dir.resolve("cinder.conf.d"));
        Files.writeString(d.resolve("20-b.conf"), "[DEFAULT]\nhost = second\n");
        Files.writeString(d.resolve("10-a.conf"), "[DEFAULT]\nhost = first\nreport_interval = 3\n");
        Files.writeString(d.resolve("README"), "not = read\n");
        CinderConf conf = CinderConf.fromArgs(new String[] {"--config-dir", d.toString()});
        assertThat(conf.files()).extracting(p -> p.getFileName().toString()).containsExactly("10-a.conf", "20-b.conf");
        assertThat(conf.properties()).containsEntry("cinder.host", "second").containsEntry("cinder.report-interval", "3")
                .doesNotContainKey("cinder.not");
    }

    @Test
    void rejectsMissingFilesAndMalformedLines() throws Exception {
        assertThatThrownBy(() -> CinderConf.fromArgs(new String[] {"--config-file", dir.resolve("nope").toString()}))
                .hasMessageContaining("no such file");
        Path bad = write("bad.conf", "[DEFAULT]\njust words\n");
        assertThatThrownBy(() -> CinderConf.fromArgs(new String[] {"--config-file", bad.toString()}))
                .hasMessageContaining("bad.conf:2");
    }

    @Test
    void sampleShowsTheDefaultsOfTheBoundProperties() {
        String sample = CinderOptions.sample(java.util.Map.of("noop", List.of(new CinderOptions.Option(
                CinderOptions.BACKEND, "noop_capacity_gb", "1000", "Total capacity.", CinderOptions.Status.SUPPORTED))));
        assertThat(sample).contains("[DEFAULT]", "#report_interval = 10", "#service_down_time = 60",
                "#quota_volumes = 10", "[database]", "#connection = mysql+pymysql://cinder:cinder@127.0.0.1:3306/cinder",
                "#osapi_volume_listen_port = 8776", "#volume_driver = noop", "#noop_capacity_gb = 1000",
                "#debug = <None>", "[ember]", "#redrive_after = 30");
        assertThat(CinderOptions.defaultOf("DEFAULT", "default_volume_type")).contains("__DEFAULT__");
    }

    /** The catalog is the one list of options: every bound property has its entry, so the sample shows it. */
    @Test
    void everyBoundPropertyIsInTheCatalog() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (var c : CinderProperties.class.getRecordComponents()) {
            if (c.getType().isRecord()) {
                String group = c.getName().equals("ember") ? CinderOptions.EMBER : snake(c.getName());
                for (var nested : c.getType().getRecordComponents()) {
                    if (CinderOptions.find(group, snake(nested.getName())).isEmpty()) {
                        missing.add("[" + group + "] " + snake(nested.getName()));
                    }
                }
            } else if (!c.getName().equals("backends")
                    && CinderOptions.find(IniFile.DEFAULT, snake(c.getName())).isEmpty()) {
                missing.add("[DEFAULT] " + snake(c.getName()));
            }
        }
        assertThat(missing).as("CinderProperties options missing from CinderOptions").isEmpty();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
